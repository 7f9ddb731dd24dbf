// Filled in by the loopback stand-in work.
