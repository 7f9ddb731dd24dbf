#if os(Linux)
    import Testing

    /// The end-to-end suites: the real `cairn` binary, SIGKILLed and resumed.
    ///
    /// Serialized, nested suites included: each test drives `cairn` processes and needs the CPU of a
    /// 2-core machine; two at once would only make both slower. Linux only (inotify).
    @Suite(.serialized) struct EndToEnd {}
#endif
