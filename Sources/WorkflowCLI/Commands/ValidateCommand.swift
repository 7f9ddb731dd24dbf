import Foundation
import StrictJSON
import WorkflowModel

/// `cairn validate FILE...`
enum ValidateCommand {
    static let command = Command(
        name: "validate", summary: "check workflow files and report every problem at once",
        usage: "cairn validate FILE [FILE...]",
        details: """
            Each problem is printed as FILE:LINE:COLUMN: CODE at POINTER: MESSAGE.
            Exit status 0 when every file is valid, 2 when any is not or cannot be read (invalid input, as for
            `cairn run`).
            Codes are listed in docs/error-codes.md.
            """,
        options: [OptionSpec(name: "json", takesValue: false, help: "print diagnostics as JSON lines")],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let files = invocation.arguments.positionals
        guard !files.isEmpty else { throw UsageError(message: "missing FILE") }
        var allValid = true
        for file in files {
            let outcome = try validateFile(file)
            if outcome.isValid {
                if !invocation.arguments.flag("json") {
                    let steps = outcome.definition?.steps.count ?? 0
                    invocation.console.line("\(file): valid (\(outcome.definition?.name ?? "?"), \(steps) step\(steps == 1 ? "" : "s"))")
                }
                continue
            }
            allValid = false
            for diagnostic in outcome.diagnostics {
                if invocation.arguments.flag("json") {
                    invocation.console.line(diagnosticJSON(diagnostic, file: file).canonicalString())
                } else {
                    invocation.console.line(diagnostic.formatted(file: file))
                }
            }
            if !invocation.arguments.flag("json") {
                let count = outcome.diagnostics.count
                invocation.console.line("\(file): \(count) problem\(count == 1 ? "" : "s")")
            }
        }
        return allValid ? ExitStatus.success : ExitStatus.usage
    }

    /// Reads and validates one file; unreadable files are usage errors.
    static func validateFile(_ file: String) throws -> ValidationOutcome {
        WorkflowValidator.validate(fileBytes: try readInputFile(file, limit: Limits.definitionBytesMax))
    }

    static func diagnosticJSON(_ diagnostic: Diagnostic, file: String) -> JSONValue {
        var object = JSONObject()
        object["file"] = .string(file)
        object["code"] = .string(diagnostic.code.description)
        object["pointer"] = .string(diagnostic.pointer)
        if let line = diagnostic.line { object["line"] = .number(Double(line)) }
        if let column = diagnostic.column { object["column"] = .number(Double(column)) }
        object["message"] = .string(diagnostic.message)
        return .object(object)
    }
}

/// Reads a file given on the command line. Files over `limit` bytes are read only up to
/// `limit + 1` bytes, so the validator reports them as too large without loading them whole.
func readInputFile(_ path: String, limit: Int) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    // Checked first: on Linux a directory opens for reading and only the read fails, with an opaque error.
    if exists, isDirectory.boolValue { throw CLIError.usage("\(path) is a directory, not a file") }
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CLIError.usage(exists ? "cannot read \(path): permission denied" : "cannot read \(path): no such file")
    }
    defer { try? handle.close() }
    do {
        return [UInt8](try handle.read(upToCount: limit + 1) ?? Data())
    } catch {
        throw CLIError.usage("cannot read \(path): \(error.localizedDescription)")
    }
}
