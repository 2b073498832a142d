"""校园安全整治助手: a campus-safety rectification bot for WeCom and DingTalk group chats."""
