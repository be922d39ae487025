"""Keyed responses: printed form numbers, first entry, double entry, audit trail, file exchange.

- `numbers`: form number check digit, printed text, QR payload parsing;
- `models`: the tables (migration step 0005_questionnaire_responses);
- `responses`: issued ranges, save / open / correct a response (atomic, audited);
- `verify`: blind second keying, mismatches, resolution from paper, per-clerk report;
- `exchange`: the per-questionnaire Excel template, import (.xlsx/.csv), export (.xlsx).
"""
