//! The JSON objects the server sends: Contact, group Member, AddMsgList Message, ModContact.

use serde::Serialize;

/// A contact, group or official account as in ContactList / MemberList / batchgetcontact.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Contact {
    /// Usually 0.
    pub uin: u64,
    /// Session-scoped id: `@hex` user, `@@hex` group, or a special name.
    pub user_name: String,
    /// Display name (may hold emoji spans).
    pub nick_name: String,
    /// Relative avatar path; the skey is filled in per session.
    pub head_img_url: String,
    /// Bitmask (protocol.md §5.5).
    pub contact_flag: u32,
    /// Member count (groups).
    pub member_count: u32,
    /// Members (groups, only in batchgetcontact / ModContact).
    pub member_list: Vec<Member>,
    /// Our remark.
    pub remark_name: String,
    /// Input bar flag.
    pub hide_input_bar_flag: u32,
    /// 0 unknown, 1 male, 2 female.
    pub sex: u32,
    /// Signature.
    pub signature: String,
    /// Bitmask; 8 = official account.
    pub verify_flag: u32,
    /// Group owner's uin.
    pub owner_uin: u64,
    /// Pinyin initials.
    #[serde(rename = "PYInitial")]
    pub py_initial: String,
    /// Full pinyin.
    #[serde(rename = "PYQuanPin")]
    pub py_quan_pin: String,
    /// Remark pinyin initials.
    #[serde(rename = "RemarkPYInitial")]
    pub remark_py_initial: String,
    /// Remark full pinyin.
    #[serde(rename = "RemarkPYQuanPin")]
    pub remark_py_quan_pin: String,
    /// Starred.
    pub star_friend: u32,
    /// App account flag.
    pub app_account_flag: u32,
    /// Group notifications on (1) / off (0).
    pub statues: u32,
    /// Large bitfield.
    pub attr_status: i64,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// WeChat id (`gh_…` for official accounts).
    pub alias: String,
    /// Moments flag.
    pub sns_flag: u32,
    /// Unused.
    pub uni_friend: u32,
    /// Name inside a group.
    pub display_name: String,
    /// Always 0.
    pub chat_room_id: u64,
    /// `gh_` for official accounts, `fil` for filehelper.
    pub key_word: String,
    /// `@hex` for groups, `""` otherwise.
    pub encry_chat_room_id: String,
    /// 1 when we own the group.
    pub is_owner: u32,
    /// The stable name (`wxid_…`, `…@chatroom`), only used in the MsgType 51 list.
    #[serde(skip)]
    pub stable_name: String,
    /// The avatar `seq`.
    #[serde(skip)]
    pub head_seq: u64,
    /// Saved to contacts (true for everything but the groups [`crate::WorldSpec`]'s
    /// `unsaved_groups` makes): webwxgetcontact lists only saved groups, webwxinit only the
    /// first unsaved one; every group still answers webwxbatchgetcontact and receives pushes.
    #[serde(skip)]
    pub saved: bool,
}

impl Contact {
    /// True for groups (`@@…`).
    pub fn is_group(&self) -> bool {
        self.user_name.starts_with("@@")
    }

    /// A copy with the avatar URL carrying `skey`, as the server writes it for one session.
    pub fn for_session(&self, skey: &str) -> Contact {
        let mut c = self.clone();
        let path = if c.is_group() {
            "webwxgetheadimg"
        } else {
            "webwxgeticon"
        };
        let skey = if c.is_group() { "" } else { skey };
        c.head_img_url = format!(
            "/cgi-bin/mmwebwx-bin/{path}?seq={}&username={}&skey={skey}",
            c.head_seq, c.user_name
        );
        c
    }

    /// This contact as an entry of a group's MemberList.
    pub fn as_member(&self) -> Member {
        Member {
            uin: 0,
            user_name: self.user_name.clone(),
            nick_name: self.nick_name.clone(),
            attr_status: self.attr_status,
            py_initial: self.py_initial.clone(),
            py_quan_pin: self.py_quan_pin.clone(),
            remark_py_initial: String::new(),
            remark_py_quan_pin: String::new(),
            member_status: 0,
            display_name: String::new(),
            key_word: String::new(),
        }
    }
}

/// One entry of a group's MemberList.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Member {
    /// Usually 0.
    pub uin: u64,
    /// The member's UserName.
    pub user_name: String,
    /// The member's nickname.
    pub nick_name: String,
    /// Bitfield.
    pub attr_status: i64,
    /// Pinyin initials.
    #[serde(rename = "PYInitial")]
    pub py_initial: String,
    /// Full pinyin.
    #[serde(rename = "PYQuanPin")]
    pub py_quan_pin: String,
    /// Remark pinyin initials.
    #[serde(rename = "RemarkPYInitial")]
    pub remark_py_initial: String,
    /// Remark full pinyin.
    #[serde(rename = "RemarkPYQuanPin")]
    pub remark_py_quan_pin: String,
    /// Member status.
    pub member_status: u32,
    /// Name inside the group.
    pub display_name: String,
    /// Keyword.
    pub key_word: String,
}

/// `RecommendInfo` of a message (friend requests and cards).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecommendInfo {
    /// The recommended user.
    pub user_name: String,
    /// Their nickname.
    pub nick_name: String,
    /// QQ number.
    #[serde(rename = "QQNum")]
    pub qq_num: u64,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// Greeting.
    pub content: String,
    /// Signature.
    pub signature: String,
    /// Alias.
    pub alias: String,
    /// Scene.
    pub scene: u32,
    /// Verify flag.
    pub verify_flag: u32,
    /// Attr status.
    pub attr_status: i64,
    /// Sex.
    pub sex: u32,
    /// Ticket for webwxverifyuser.
    pub ticket: String,
    /// Op code.
    pub op_code: u32,
}

/// `AppInfo` of a message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AppInfo {
    /// App id.
    #[serde(rename = "AppID")]
    pub app_id: String,
    /// Type.
    #[serde(rename = "Type")]
    pub kind: u32,
}

/// One element of AddMsgList, fields in the captured order.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    /// Decimal string.
    pub msg_id: String,
    /// Sender.
    pub from_user_name: String,
    /// Receiver.
    pub to_user_name: String,
    /// MsgType (§11.1).
    pub msg_type: u32,
    /// HTML-escaped content.
    pub content: String,
    /// 3 normally, 4 for revoke and system notices.
    pub status: u32,
    /// 1 none, 2 has image.
    pub img_status: u32,
    /// Seconds.
    pub create_time: u64,
    /// Voice length in ms.
    pub voice_length: u32,
    /// Video length in s.
    pub play_length: u32,
    /// Attachment name or link title.
    pub file_name: String,
    /// Decimal string or empty.
    pub file_size: String,
    /// Attachment media id.
    pub media_id: String,
    /// Link.
    pub url: String,
    /// AppMsgType.
    pub app_msg_type: u32,
    /// For MsgType 51.
    pub status_notify_code: u32,
    /// For MsgType 51.
    pub status_notify_user_name: String,
    /// For 37 / 42.
    pub recommend_info: RecommendInfo,
    /// Forward flag.
    pub forward_flag: u32,
    /// App info.
    pub app_info: AppInfo,
    /// Store sticker.
    pub has_product_id: u32,
    /// Ticket.
    pub ticket: String,
    /// Image height.
    pub img_height: u32,
    /// Image width.
    pub img_width: u32,
    /// 48 for locations.
    pub sub_msg_type: u32,
    /// The same id as a JSON number (> 2^53).
    pub new_msg_id: u64,
    /// Raw XML (locations).
    pub ori_content: String,
    /// Escaped file name.
    pub encry_file_name: String,
}

/// One element of ModContactList, fields in the captured order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModContact {
    /// UserName.
    pub user_name: String,
    /// Nickname.
    pub nick_name: String,
    /// Sex.
    pub sex: u32,
    /// Avatar changed.
    pub head_img_update_flag: u32,
    /// Contact type.
    pub contact_type: u32,
    /// Alias.
    pub alias: String,
    /// Group owner UserName.
    pub chat_room_owner: String,
    /// Avatar path.
    pub head_img_url: String,
    /// Contact flag.
    pub contact_flag: u32,
    /// Member count.
    pub member_count: u32,
    /// Full member list for groups.
    pub member_list: Vec<Member>,
    /// Input bar flag.
    pub hide_input_bar_flag: u32,
    /// Signature.
    pub signature: String,
    /// Verify flag.
    pub verify_flag: u32,
    /// Remark.
    pub remark_name: String,
    /// Notifications.
    pub statues: u32,
    /// Bitfield.
    pub attr_status: i64,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// Moments flag.
    pub sns_flag: u32,
    /// Keyword.
    pub key_word: String,
}

impl ModContact {
    /// The ModContactList form of a contact (already made for a session).
    pub fn from_contact(c: &Contact, owner: &str) -> Self {
        ModContact {
            user_name: c.user_name.clone(),
            nick_name: c.nick_name.clone(),
            sex: c.sex,
            head_img_update_flag: 1,
            contact_type: 0,
            alias: c.alias.clone(),
            chat_room_owner: owner.to_string(),
            head_img_url: c.head_img_url.clone(),
            contact_flag: c.contact_flag,
            member_count: c.member_count,
            member_list: c.member_list.clone(),
            hide_input_bar_flag: c.hide_input_bar_flag,
            signature: c.signature.clone(),
            verify_flag: c.verify_flag,
            remark_name: c.remark_name.clone(),
            statues: c.statues,
            attr_status: c.attr_status,
            province: c.province.clone(),
            city: c.city.clone(),
            sns_flag: c.sns_flag,
            key_word: c.key_word.clone(),
        }
    }
}

/// One element of DelContactList.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelContact {
    /// The removed UserName.
    pub user_name: String,
    /// Always 0.
    pub contact_flag: u32,
}
