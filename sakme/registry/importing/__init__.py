"""Importing registry files: read (CSV or XLSX, streamed), clean each value, write set-based."""
