// Filled in by the PostgreSQL administration work.
