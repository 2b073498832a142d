"""Documents made from the ledger: the 台账 workbook and the monthly report (Markdown, Word)."""
