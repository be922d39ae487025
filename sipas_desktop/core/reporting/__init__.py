"""Report writers (xlsx, PDF, DOCX) and the pieces they share: fonts, the NĐ 30/2020 heading."""
