"""The portfolio: PDFs of the evidence (one assessment, a 360 report, the BT portfolio) and the
certificate drafts for Socialstyrelsen's BT forms."""
