// Filled in by the credentials/config work.
