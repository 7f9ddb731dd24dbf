import EngineTesting
import RDSCore
import RDSSimulator
import Testing
import WorkflowModel

@Suite struct CallLogRecoveryTests {
    /// The engine can die after the simulator saved a change and before it logged the call. The
    /// log is the crash tests' record of every creation, so reopening must log the missing call.
    @Test func aChangeSavedButNotLoggedIsLoggedOnReopen() async throws {
        let fixture = try Fixture()
        try await fixture.create("orders")
        try await fixture.create("billing")
        let log = fixture.directory + "/calls.log"
        let full = try fixture.fileSystem.readFile(at: log)
        // Cut the last line, as if the process died between saving state.json and appending it.
        let lines = full.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let withoutLast = Array(full.prefix(full.count - lines.last!.count - 1))
        fixture.fileSystem.setContents(of: log, to: withoutLast)
        #expect(try fixture.reopen().callLog().filter { $0.op == "CreateDBInstance" }.map(\.identifier) == ["orders", "billing"])
        // Reopening again adds nothing more.
        let again = try fixture.reopen().callLog()
        #expect(again.filter { $0.op == "CreateDBInstance" }.count == 2)
        #expect(again.compactMap(\.sequence) == [1, 2])
    }

    @Test func readOnlyCallsAreNotNumbered() async throws {
        let fixture = try Fixture()
        try await fixture.create("orders")
        _ = try await fixture.status("orders")
        let calls = try fixture.sim.callLog()
        #expect(calls.map(\.op) == ["CreateDBInstance", "DescribeDBInstances"])
        #expect(calls.map(\.sequence) == [1, nil])
    }
}
