//! The typed message model: raw `AddMsgList` elements decoded into message kinds.
