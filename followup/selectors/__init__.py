"""Reads shared by the API and the pages: the order flags are shown in, latest scores, a
patient's whole record for export."""
