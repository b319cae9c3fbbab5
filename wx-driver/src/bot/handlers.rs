//! The handlers a bot was built with, and which one a message goes to: the first, in the
//! order they were added, whose kind matches (so add `on_mention` before `on_group` to give
//! mentions their own answer). Status notifications (MsgType 51) go to none.

use wx_proto::client::{Client, Command, Event};
use wx_proto::model::{FriendRequest, MessageKind, RoomEvent};

use super::chat::ChatKind;
use super::context::Context;
use super::reply::Reply;

pub(super) type TextFn = Box<dyn FnMut(&mut Context<'_>, &str) -> Reply + Send>;
pub(super) type MessageFn = Box<dyn FnMut(&mut Context<'_>) -> Reply + Send>;
pub(super) type RoomFn = Box<dyn FnMut(&mut Context<'_>, &RoomEvent) -> Reply + Send>;
pub(super) type RequestFn = Box<dyn FnMut(&mut Context<'_>, &FriendRequest) -> bool + Send>;
pub(super) type EventFn = Box<dyn FnMut(&Client, &Event) + Send>;

/// One handler and what it takes.
pub(super) enum Route {
    /// Text messages from people and groups (not official accounts).
    Text(TextFn),
    /// Any message in a one-to-one chat with a person.
    Friend(MessageFn),
    /// Any message in a group.
    Group(MessageFn),
    /// Group messages that mention you.
    Mention(MessageFn),
    /// Messages from official accounts.
    Official(MessageFn),
    /// Every message.
    Any(MessageFn),
    /// A group's join, leave, removal, rename or invitation notice.
    Room(RoomFn),
    /// A friend request: `true` accepts it.
    FriendRequest(RequestFn),
}

/// The handlers, in the order they were added.
#[derive(Default)]
pub(super) struct Handlers {
    pub(super) routes: Vec<Route>,
    pub(super) events: Vec<EventFn>,
}

impl Handlers {
    /// Runs the first handler that takes the context's message; its reply.
    pub(super) fn dispatch(&mut self, cx: &mut Context<'_>) -> Reply {
        let message = cx.message;
        // Status notifications (MsgType 51) are the client's bookkeeping, not chat.
        if matches!(message.kind, MessageKind::StatusNotify(_)) {
            return Reply::Nothing;
        }
        let kind = cx.chat_kind();
        for route in &mut self.routes {
            let reply = match route {
                Route::Text(f) => match message.text() {
                    Some(text) if kind != ChatKind::Official => f(cx, text),
                    _ => continue,
                },
                Route::Friend(f) if kind == ChatKind::Friend => f(cx),
                Route::Group(f) if matches!(kind, ChatKind::Group { .. }) => f(cx),
                Route::Mention(f) if kind == (ChatKind::Group { mentioned: true }) => f(cx),
                Route::Official(f) if kind == ChatKind::Official => f(cx),
                Route::Any(f) => f(cx),
                Route::Room(f) => match message.room_event() {
                    Some(event) => f(cx, &event),
                    None => continue,
                },
                Route::FriendRequest(f) => match &message.kind {
                    MessageKind::FriendRequest(request) => {
                        if f(cx, request)
                            && let Some(accept) = Command::accept(message)
                        {
                            let _ = cx.submit(accept);
                        }
                        Reply::Nothing
                    }
                    _ => continue,
                },
                _ => continue,
            };
            return reply;
        }
        Reply::Nothing
    }
}
