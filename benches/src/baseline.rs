//! The parsers wx-proto is measured against.
//!
//! - [`regex`]: the patterns itchat uses (protocol.md §2.1), compiled once.
//! - [`Js`]: QuickJS (through `rquickjs`) evaluates the body with a `window` object and the
//!   variables are read back, the way the seed's otto approach works. One runtime and context
//!   are reused across calls (only `window` is reset), which favours the baseline.
//! - [`value`]: `serde_json::Value`, then the same fields the typed parse yields, extracted by
//!   hand into wx-proto's own structs (so both sides end with identical values).

/// The regular-expression parsers of itchat.
pub mod regex {
    use std::sync::LazyLock;

    use ::regex::Regex;

    fn re(pattern: &str) -> Regex {
        Regex::new(pattern).expect("a valid pattern")
    }

    static SYNCCHECK: LazyLock<Regex> =
        LazyLock::new(|| re(r#"window.synccheck=\{retcode:"(\d+)",selector:"(\d+)"\}"#));
    static QRLOGIN: LazyLock<Regex> =
        LazyLock::new(|| re(r#"window.QRLogin.code = (\d+); window.QRLogin.uuid = "(\S+?)";"#));
    static CODE: LazyLock<Regex> = LazyLock::new(|| re(r"window.code=(\d+);"));
    static REDIRECT: LazyLock<Regex> = LazyLock::new(|| re(r#"window.redirect_uri="(\S+?)";"#));
    static AVATAR: LazyLock<Regex> = LazyLock::new(|| re(r"window.userAvatar = '(.*)';"));

    /// Compiles every pattern (call before measuring).
    pub fn warm() {
        for r in [&*SYNCCHECK, &*QRLOGIN, &*CODE, &*REDIRECT, &*AVATAR] {
            let _ = r.is_match("");
        }
    }

    /// `(retcode, selector)` of a synccheck body.
    pub fn synccheck(body: &[u8]) -> Option<(i64, u32)> {
        let text = std::str::from_utf8(body).ok()?;
        let c = SYNCCHECK.captures(text)?;
        Some((c[1].parse().ok()?, c[2].parse().ok()?))
    }

    /// `(code, uuid)` of a jslogin body.
    pub fn jslogin(body: &[u8]) -> Option<(i64, &str)> {
        let text = std::str::from_utf8(body).ok()?;
        let c = QRLOGIN.captures(text)?;
        Some((c[1].parse().ok()?, c.get(2)?.as_str()))
    }

    /// `(code, avatar or redirect_uri)` of a login poll body, as itchat reads it.
    pub fn login_poll(body: &[u8]) -> Option<(i64, Option<&str>)> {
        let text = std::str::from_utf8(body).ok()?;
        let code: i64 = CODE.captures(text)?[1].parse().ok()?;
        let extra = match code {
            200 => Some(REDIRECT.captures(text)?.get(1)?.as_str()),
            201 => AVATAR
                .captures(text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str()),
            _ => None,
        };
        Some((code, extra))
    }
}

/// A JavaScript engine that evaluates a body and reads `window.*` back.
pub struct Js {
    _runtime: rquickjs::Runtime,
    context: rquickjs::Context,
}

impl Default for Js {
    fn default() -> Self {
        Self::new()
    }
}

fn js_int(v: &rquickjs::Value<'_>) -> Option<i64> {
    if let Some(n) = v.as_int() {
        return Some(n.into());
    }
    if let Some(f) = v.as_float() {
        return Some(f as i64);
    }
    v.as_string()?.to_string().ok()?.parse().ok()
}

impl Js {
    /// A runtime and a full context.
    pub fn new() -> Self {
        let runtime = rquickjs::Runtime::new().expect("a QuickJS runtime");
        let context = rquickjs::Context::full(&runtime).expect("a QuickJS context");
        Self {
            _runtime: runtime,
            context,
        }
    }

    /// Resets `window` to `{QRLogin: {}}`, evaluates `body` and passes `window` to `read`.
    fn run<T>(
        &self,
        body: &[u8],
        read: impl for<'js> FnOnce(rquickjs::Object<'js>) -> Option<T>,
    ) -> Option<T> {
        self.context.with(|ctx| {
            let globals = ctx.globals();
            let window = rquickjs::Object::new(ctx.clone()).ok()?;
            window
                .set("QRLogin", rquickjs::Object::new(ctx.clone()).ok()?)
                .ok()?;
            globals.set("window", window).ok()?;
            ctx.eval::<(), _>(body).ok()?;
            read(globals.get("window").ok()?)
        })
    }

    /// `(retcode, selector)` of a synccheck body.
    pub fn synccheck(&self, body: &[u8]) -> Option<(i64, u32)> {
        self.run(body, |w| {
            let sc: rquickjs::Object<'_> = w.get("synccheck").ok()?;
            let retcode = js_int(&sc.get("retcode").ok()?)?;
            let selector = js_int(&sc.get("selector").ok()?)?;
            Some((retcode, u32::try_from(selector).ok()?))
        })
    }

    /// `(code, uuid)` of a jslogin body.
    pub fn jslogin(&self, body: &[u8]) -> Option<(i64, String)> {
        self.run(body, |w| {
            let qr: rquickjs::Object<'_> = w.get("QRLogin").ok()?;
            let code = js_int(&qr.get("code").ok()?)?;
            let uuid: String = qr.get("uuid").ok()?;
            Some((code, uuid))
        })
    }

    /// `(code, avatar or redirect_uri)` of a login poll body.
    pub fn login_poll(&self, body: &[u8]) -> Option<(i64, Option<String>)> {
        self.run(body, |w| {
            let code = js_int(&w.get("code").ok()?)?;
            let key = match code {
                200 => "redirect_uri",
                201 => "userAvatar",
                _ => return Some((code, None)),
            };
            let extra: Option<String> = w.get(key).ok()?;
            Some((code, extra))
        })
    }
}

/// `serde_json::Value` and hand extraction into wx-proto's structs.
pub mod value {
    use serde_json::Value;
    use wx_proto::parse::{AppInfo, Contact, Member, RawMessage, RecommendInfo};
    use wx_proto::{Secret, Uin};

    fn s(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        }
    }

    fn u(v: &Value) -> u64 {
        match v {
            Value::Number(n) => n.as_u64().unwrap_or_default(),
            Value::String(s) => s.parse().unwrap_or_default(),
            _ => 0,
        }
    }

    fn i(v: &Value) -> i64 {
        match v {
            Value::Number(n) => n.as_i64().unwrap_or_default(),
            Value::String(s) => s.parse().unwrap_or_default(),
            _ => 0,
        }
    }

    fn u32_(v: &Value) -> u32 {
        u32::try_from(u(v)).unwrap_or_default()
    }

    fn list(v: &Value) -> &[Value] {
        v.as_array().map(Vec::as_slice).unwrap_or_default()
    }

    /// The fields of one `AddMsgList` element.
    pub fn message(m: &Value) -> RawMessage {
        let r = &m["RecommendInfo"];
        RawMessage {
            msg_id: s(&m["MsgId"]),
            new_msg_id: u(&m["NewMsgId"]),
            from_user_name: s(&m["FromUserName"]),
            to_user_name: s(&m["ToUserName"]),
            msg_type: u32_(&m["MsgType"]),
            content: s(&m["Content"]),
            status: i(&m["Status"]),
            img_status: i(&m["ImgStatus"]),
            create_time: i(&m["CreateTime"]),
            voice_length: u(&m["VoiceLength"]),
            play_length: u(&m["PlayLength"]),
            file_name: s(&m["FileName"]),
            file_size: s(&m["FileSize"]),
            media_id: s(&m["MediaId"]),
            url: s(&m["Url"]),
            app_msg_type: u32_(&m["AppMsgType"]),
            status_notify_code: u32_(&m["StatusNotifyCode"]),
            status_notify_user_name: s(&m["StatusNotifyUserName"]),
            recommend_info: RecommendInfo {
                user_name: s(&r["UserName"]),
                nick_name: s(&r["NickName"]),
                qq_num: u(&r["QQNum"]),
                province: s(&r["Province"]),
                city: s(&r["City"]),
                content: s(&r["Content"]),
                signature: s(&r["Signature"]),
                alias: s(&r["Alias"]),
                scene: i(&r["Scene"]),
                verify_flag: u(&r["VerifyFlag"]),
                attr_status: i(&r["AttrStatus"]),
                sex: u32_(&r["Sex"]),
                ticket: s(&r["Ticket"]),
                op_code: i(&r["OpCode"]),
            },
            forward_flag: i(&m["ForwardFlag"]),
            app_info: AppInfo {
                app_id: s(&m["AppInfo"]["AppID"]),
                kind: i(&m["AppInfo"]["Type"]),
            },
            has_product_id: i(&m["HasProductId"]),
            ticket: s(&m["Ticket"]),
            img_height: u32_(&m["ImgHeight"]),
            img_width: u32_(&m["ImgWidth"]),
            sub_msg_type: u32_(&m["SubMsgType"]),
            ori_content: s(&m["OriContent"]),
            encry_file_name: s(&m["EncryFileName"]),
        }
    }

    /// The fields of one contact.
    pub fn contact(c: &Value) -> Contact {
        Contact {
            uin: Uin(u(&c["Uin"])),
            user_name: s(&c["UserName"]),
            nick_name: s(&c["NickName"]),
            remark_name: s(&c["RemarkName"]),
            head_img_url: wx_proto::parse::RedactedUrl::new(s(&c["HeadImgUrl"])),
            contact_flag: u(&c["ContactFlag"]),
            verify_flag: u(&c["VerifyFlag"]),
            member_count: u32_(&c["MemberCount"]),
            member_list: list(&c["MemberList"])
                .iter()
                .map(|m| Member {
                    uin: Uin(u(&m["Uin"])),
                    user_name: s(&m["UserName"]),
                    nick_name: s(&m["NickName"]),
                    display_name: s(&m["DisplayName"]),
                    attr_status: i(&m["AttrStatus"]),
                    member_status: i(&m["MemberStatus"]),
                    key_word: s(&m["KeyWord"]),
                })
                .collect(),
            sex: u32_(&c["Sex"]),
            signature: s(&c["Signature"]),
            province: s(&c["Province"]),
            city: s(&c["City"]),
            alias: s(&c["Alias"]),
            key_word: s(&c["KeyWord"]),
            display_name: s(&c["DisplayName"]),
            encry_chat_room_id: s(&c["EncryChatRoomId"]),
            owner_uin: u(&c["OwnerUin"]),
            is_owner: u32_(&c["IsOwner"]),
            statues: i(&c["Statues"]),
            attr_status: i(&c["AttrStatus"]),
            sns_flag: i(&c["SnsFlag"]),
            star_friend: i(&c["StarFriend"]),
            hide_input_bar_flag: i(&c["HideInputBarFlag"]),
            app_account_flag: i(&c["AppAccountFlag"]),
            uni_friend: i(&c["UniFriend"]),
            py_initial: s(&c["PYInitial"]),
            py_quan_pin: s(&c["PYQuanPin"]),
            remark_py_initial: s(&c["RemarkPYInitial"]),
            remark_py_quan_pin: s(&c["RemarkPYQuanPin"]),
            chat_room_owner: s(&c["ChatRoomOwner"]),
            head_img_update_flag: i(&c["HeadImgUpdateFlag"]),
            contact_type: i(&c["ContactType"]),
        }
    }

    fn sync_key(v: &Value) -> Vec<(u64, u64)> {
        list(&v["List"])
            .iter()
            .map(|p| (u(&p["Key"]), u(&p["Val"])))
            .collect()
    }

    /// What the baseline reads from a webwxsync body.
    #[derive(Debug)]
    pub struct Sync {
        /// `BaseResponse.Ret`.
        pub ret: i64,
        /// `BaseResponse.ErrMsg`.
        pub err_msg: String,
        /// `AddMsgList`.
        pub messages: Vec<RawMessage>,
        /// `ModContactList`.
        pub mod_contacts: Vec<Contact>,
        /// `DelContactList`: (UserName, ContactFlag).
        pub del_contacts: Vec<(String, u64)>,
        /// `Profile`: (BitFlag, UserName, NickName, HeadImgUrl, Signature, Alias, Sex).
        pub profile: (i64, String, String, String, String, String, u64),
        /// `ContinueFlag`.
        pub continue_flag: i64,
        /// `SyncKey.List`.
        pub sync_key: Vec<(u64, u64)>,
        /// `SyncCheckKey.List`.
        pub sync_check_key: Vec<(u64, u64)>,
        /// `SKey`.
        pub skey: Secret<String>,
    }

    /// Parses a webwxsync body into a `Value` and extracts the fields.
    pub fn sync(body: &[u8]) -> Option<Sync> {
        let v: Value = serde_json::from_slice(body).ok()?;
        let p = &v["Profile"];
        Some(Sync {
            ret: i(&v["BaseResponse"]["Ret"]),
            err_msg: s(&v["BaseResponse"]["ErrMsg"]),
            messages: list(&v["AddMsgList"]).iter().map(message).collect(),
            mod_contacts: list(&v["ModContactList"]).iter().map(contact).collect(),
            del_contacts: list(&v["DelContactList"])
                .iter()
                .map(|d| (s(&d["UserName"]), u(&d["ContactFlag"])))
                .collect(),
            profile: (
                i(&p["BitFlag"]),
                s(&p["UserName"]["Buff"]),
                s(&p["NickName"]["Buff"]),
                s(&p["HeadImgUrl"]),
                s(&p["Signature"]),
                s(&p["Alias"]),
                u(&p["Sex"]),
            ),
            continue_flag: i(&v["ContinueFlag"]),
            sync_key: sync_key(&v["SyncKey"]),
            sync_check_key: sync_key(&v["SyncCheckKey"]),
            skey: Secret::new(s(&v["SKey"])),
        })
    }

    /// One `MPSubscribeMsgList` entry: (UserName, NickName, Time, (Title, Digest, Cover, Url)).
    pub type MpEntry = (String, String, i64, Vec<(String, String, String, String)>);

    /// What the baseline reads from a webwxinit body.
    #[derive(Debug)]
    pub struct Init {
        /// `BaseResponse.Ret`.
        pub ret: i64,
        /// `Count`.
        pub count: u64,
        /// `ContactList`.
        pub contacts: Vec<Contact>,
        /// `User`.
        pub user: Contact,
        /// `SyncKey.List`.
        pub sync_key: Vec<(u64, u64)>,
        /// `ChatSet`.
        pub chat_set: String,
        /// `SKey`.
        pub skey: Secret<String>,
        /// `ClientVersion`, `SystemTime`, `GrayScale`, `InviteStartCount`,
        /// `ClickReportInterval`.
        pub numbers: [i64; 5],
        /// `MPSubscribeMsgList`: (UserName, NickName, Time, article titles and urls).
        pub mp: Vec<MpEntry>,
    }

    /// Parses a webwxinit body into a `Value` and extracts the fields.
    pub fn init(body: &[u8]) -> Option<Init> {
        let v: Value = serde_json::from_slice(body).ok()?;
        Some(Init {
            ret: i(&v["BaseResponse"]["Ret"]),
            count: u(&v["Count"]),
            contacts: list(&v["ContactList"]).iter().map(contact).collect(),
            user: contact(&v["User"]),
            sync_key: sync_key(&v["SyncKey"]),
            chat_set: s(&v["ChatSet"]),
            skey: Secret::new(s(&v["SKey"])),
            numbers: [
                i(&v["ClientVersion"]),
                i(&v["SystemTime"]),
                i(&v["GrayScale"]),
                i(&v["InviteStartCount"]),
                i(&v["ClickReportInterval"]),
            ],
            mp: list(&v["MPSubscribeMsgList"])
                .iter()
                .map(|m| {
                    (
                        s(&m["UserName"]),
                        s(&m["NickName"]),
                        i(&m["Time"]),
                        list(&m["MPArticleList"])
                            .iter()
                            .map(|a| {
                                (
                                    s(&a["Title"]),
                                    s(&a["Digest"]),
                                    s(&a["Cover"]),
                                    s(&a["Url"]),
                                )
                            })
                            .collect(),
                    )
                })
                .collect(),
        })
    }

    /// What the baseline reads from a webwxgetcontact page: (Ret, MemberCount, contacts, Seq).
    pub fn get_contact(body: &[u8]) -> Option<(i64, u64, Vec<Contact>, u64)> {
        let v: Value = serde_json::from_slice(body).ok()?;
        Some((
            i(&v["BaseResponse"]["Ret"]),
            u(&v["MemberCount"]),
            list(&v["MemberList"]).iter().map(contact).collect(),
            u(&v["Seq"]),
        ))
    }
}
