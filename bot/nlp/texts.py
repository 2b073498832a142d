"""The parser's user-facing Chinese: the one question it may ask."""

CLARIFY_AREA = "这条隐患更接近「{first}」还是「{second}」？请回复序号 {a} 或 {b}。"
