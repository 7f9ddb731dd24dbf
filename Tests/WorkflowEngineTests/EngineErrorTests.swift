import Testing

@testable import WorkflowEngine

/// The engine's own error messages, as the CLI prints them.
@Suite struct EngineErrorTests {
    /// A store error's message ends with a period; the stop message must not end a sentence twice.
    struct SentenceCause: Error, CustomStringConvertible {
        var description: String { "store.historyTooLong: the history would have 25004 events. Nothing was written." }
    }

    @Test func theStopMessageKeepsTheCauseAndEndsEachSentenceOnce() {
        let error = EngineError.stopped("orders-1", cause: SentenceCause())
        #expect(error.code == .stopped)
        #expect(error.cause is SentenceCause)
        #expect(!error.description.contains(".."), "\(error)")
        #expect(error.message.contains("(store.historyTooLong: the history would have 25004 events. Nothing was written.)"))
        #expect(error.message.contains("The engine stopped taking work"))
        #expect(error.message.hasSuffix("run `cairn resume orders-1`."))
    }
}
