// Filled in by the RDS Query API work.
