import HistoryStore
import StrictJSON
import WorkflowEngine
import WorkflowModel

/// An execution read from its history file, without modifying anything.
struct LoadedExecution {
    let executionId: String
    let recovered: RecoveredHistory
    let state: HistoryState
    let definition: WorkflowDefinition?

    /// Reads `executionId` from `store` (no lock needed; a torn tail is ignored, not repaired).
    static func load(_ executionId: String, from store: HistoryStore) throws -> LoadedExecution {
        let recovered: RecoveredHistory
        do {
            recovered = try store.load(executionId, repair: false)
        } catch let error as StoreError where error.code == StoreError.Code.executionNotFound {
            throw CLIError.usage(
                "no execution \(executionId) in \(store.stateDirectory) (see `cairn list`; pass --state-dir if it lives elsewhere)")
        } catch let error as StoreError where error.code == StoreError.Code.invalidExecutionId {
            throw CLIError.usage(error.message)
        }
        let state = HistoryState(events: recovered.events)
        let definition = state.started.flatMap { WorkflowValidator.validate(json: $0.definition).definition }
        return LoadedExecution(executionId: executionId, recovered: recovered, state: state, definition: definition)
    }

    /// The quarantine, when the history is damaged in the middle.
    var quarantine: Quarantine? {
        if case .quarantined(let quarantine) = recovered.outcome { return quarantine }
        return nil
    }

    /// The summary `show` and `list` print.
    func summary() -> ExecutionSummary {
        var summary = ExecutionSummary.make(
            executionId: executionId, definition: definition, state: state, records: recovered.records)
        if let quarantine {
            summary.status = .quarantined
            summary.quarantine = quarantine
        }
        return summary
    }
}
