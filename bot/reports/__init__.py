"""QUAL-2 on a schedule and as files: the weekly report with its charts, and the CSV export."""
