// Module HistoryStore: see docs/architecture.md.
