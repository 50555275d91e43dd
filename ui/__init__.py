"""Helpers the pages share: state keys, member-facing strings, read-aloud, QR codes, the form.

Nothing here computes statistics or writes SQL: the form calls services/ and measures/.
"""
