import HistoryStore
import WorkflowModel

/// What `make fuzz` runs under libFuzzer, and what `make test` replays over the committed corpus:
/// one function per parser that takes arbitrary bytes and returns the broken invariant, if any.
/// The libFuzzer entry points (`Fuzz/*.swift`) turn a returned problem into a crash.
public enum FuzzTargets {
    /// Inputs longer than this are cut: the parsers' limits are far below it, and libFuzzer's
    /// speed depends on short inputs.
    public static let inputBytesMax = 1 << 20

    /// The workflow definition parser and validator (`cairn validate`).
    public static func definition(_ bytes: [UInt8]) -> String? {
        let outcome = WorkflowValidator.validate(fileBytes: Array(bytes.prefix(inputBytesMax)))
        guard outcome.isValid == (outcome.definition != nil) else { return "a definition without validity, or the reverse" }
        guard outcome.isValid else {
            return outcome.diagnostics.isEmpty ? "refused without a diagnostic" : nil
        }
        // A definition the validator accepts has a canonical form, and that form is accepted too.
        guard let canonical = outcome.canonicalJSON else { return "a valid definition without canonical JSON" }
        let again = WorkflowValidator.validate(json: canonical)
        guard again.isValid else { return "the canonical form of a valid definition is refused: \(again.diagnostics)" }
        return again.definition == outcome.definition ? nil : "the canonical form reads as another definition"
    }

    /// The history decoder and recovery scan (every `cairn resume`, `show` and `history`).
    public static func history(_ bytes: [UInt8]) -> String? {
        let bytes = Array(bytes.prefix(inputBytesMax))
        let scanned = HistoryRecovery.scan(bytes, file: "fuzz.history")
        guard scanned.validLength >= 0, scanned.validLength <= bytes.count else { return "valid length outside the file" }
        // What recovery keeps must read back, alone, as exactly the same records: a repair that
        // truncates at `validLength` never loses or changes a record it reported.
        let kept = HistoryRecovery.scan(Array(bytes[..<scanned.validLength]), file: "fuzz.history")
        guard kept.records == scanned.records else { return "the kept prefix reads back differently" }
        switch kept.outcome {
        case .intact, .empty: break
        default: return "the kept prefix is not intact: \(kept.outcome)"
        }
        switch scanned.outcome {
        case .tornTail(let offset, let length):
            guard offset == scanned.validLength, offset + length == bytes.count else { return "a torn tail that is not the tail" }
        case .quarantined(let quarantine):
            guard quarantine.offset == scanned.validLength else { return "quarantine offset is not where the valid records end" }
        case .intact:
            guard scanned.validLength == bytes.count else { return "intact, yet bytes are left over" }
        case .empty:
            break
        }
        return nil
    }
}
