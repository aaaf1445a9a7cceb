"""The data layer: schema, loading and the caseload computation. Never imports Textual."""
