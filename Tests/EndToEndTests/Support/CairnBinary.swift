import Foundation

/// Where the `cairn` executable and the repository are.
enum CairnBinary {
    /// The running test executable (on Linux `…/<scratch>/<triple>/debug/CairnPackageTests.xctest`).
    static let searchStart: String = {
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return executable }
        if let executable = Bundle.main.executablePath { return executable }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").standardizedFileURL.path
    }()

    /// `CAIRN_BINARY`, else the first `cairn` executable found walking up from the test executable:
    /// it is built into the same directory for whatever `--scratch-path` (or the default `.build`).
    static let path: String? = {
        let fileManager = FileManager.default
        func isExecutableFile(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: path)
        }
        if let explicit = ProcessInfo.processInfo.environment["CAIRN_BINARY"], !explicit.isEmpty {
            return isExecutableFile(explicit) ? explicit : nil
        }
        var directory = URL(fileURLWithPath: searchStart).deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            let candidate = directory.appendingPathComponent("cairn").path
            if isExecutableFile(candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// The repository root: this file is `Tests/EndToEndTests/Support/CairnBinary.swift`.
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
