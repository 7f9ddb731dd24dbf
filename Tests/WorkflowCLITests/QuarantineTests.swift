import Foundation
import StrictJSON
import Testing

/// Damage in the middle of a history quarantines that execution: every command says so, with the
/// file and byte offset, and nothing modifies the file.
@Suite struct QuarantineTests {
    @Test func aFlippedByteInTheMiddleQuarantinesTheExecution() async throws {
        try await Sandbox.with { sandbox in
            let run = await sandbox.cairn(
                "run", workflowPath("create-instance"), "--input", "identifier=db1", "--id", "damaged", "--sim-speed", "600")
            try #require(run.status == 0, "\(run)")
            let healthy = await sandbox.cairn("run", workflowPath("create-instance"), "--input", "identifier=db2", "--id", "healthy")
            try #require(healthy.status == 0, "\(healthy)")

            // Flip one bit in the middle of a middle record.
            let path = sandbox.historyPath("damaged")
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let lineStarts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") && $0 + 1 < bytes.count }.map { $0 + 1 }
            try #require(lineStarts.count > 6, "\(lineStarts.count) records")
            let record = lineStarts.count / 2
            let recordStart = lineStarts[record]
            bytes[(recordStart + lineStarts[record + 1]) / 2] ^= 0x01
            let damaged = Data(bytes)
            try damaged.write(to: URL(fileURLWithPath: path))
            let file = sandbox.stateDir + "/executions/damaged.history"

            let list = await sandbox.cairn("list")
            #expect(list.status == 0, "\(list)")
            let row = try #require(list.out.split(separator: "\n").first { $0.hasPrefix("damaged ") }, "\(list)")
            #expect(row.contains("quarantined"), "\(list)")
            #expect(list.out.contains("\(file), byte \(recordStart)"), "list says where: \(list)")
            #expect(list.out.split(separator: "\n").contains { $0.hasPrefix("healthy ") && $0.contains("completed") })

            let listJSON = await sandbox.cairn("list", "--json")
            #expect(listJSON.status == 0)
            let entries = try listJSON.out.split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
            let entry = try #require(entries.first { $0["executionId"] == "damaged" }, "\(listJSON)")
            #expect(entry["status"] == "quarantined")
            #expect(entry["quarantine"]?["file"]?.stringValue == file, "\(entry)")
            #expect(entry["quarantine"]?["offset"]?.integerValue == Int64(recordStart), "\(entry)")
            #expect(entries.first { $0["executionId"] == "healthy" }?["status"] == "completed")

            let show = await sandbox.cairn("show", "damaged")
            #expect(show.status == 0, "\(show)")
            #expect(show.out.contains("status    quarantined"), "\(show)")
            #expect(show.out.contains("file \(file), byte \(recordStart)"), "\(show)")
            #expect(show.out.contains("Restore the file from a backup"), "show says what to do: \(show)")
            let shown = try await sandbox.showJSON("damaged")
            #expect(shown["status"] == "quarantined")
            #expect(shown["quarantine"]?["file"]?.stringValue == file)
            #expect(shown["quarantine"]?["offset"]?.integerValue == Int64(recordStart))
            #expect(shown["quarantine"]?["reason"]?.stringValue?.contains("checksum") == true, "\(shown)")

            let history = await sandbox.cairn("history", "damaged")
            #expect(history.status == 1, "\(history)")
            #expect(history.err.contains("byte \(recordStart)"), "\(history)")

            let resume = await sandbox.cairn("resume", "damaged")
            #expect(resume.status == 1, "\(resume)")
            #expect(resume.err.contains("quarantined"), "\(resume)")
            #expect(resume.err.contains("byte \(recordStart)"), "\(resume)")
            #expect(resume.err.contains("left untouched"), "\(resume)")

            let cancel = await sandbox.cairn("cancel", "damaged")
            #expect(cancel.status == 1, "\(cancel)")
            #expect(cancel.err.contains("quarantined"), "\(cancel)")

            let again = await sandbox.cairn("run", workflowPath("create-instance"), "--input", "identifier=db1", "--id", "damaged")
            #expect(again.status == 2, "\(again)")
            #expect(again.err.contains("damaged"), "\(again)")

            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged, "the file is unchanged")
            let fault = await sandbox.cairn("sim", "fault", "--clear")
            #expect(fault.status == 0, "the lock was released after the refused resume: \(fault)")
        }
    }
}
