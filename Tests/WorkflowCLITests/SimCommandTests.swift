import Foundation
import StrictJSON
import Testing

@Suite struct SimCommandTests {
    @Test func listingAnEmptyStateDirectoryWritesNothing() async throws {
        try await Sandbox.with { sandbox in
            let instances = await sandbox.cairn("sim", "instances")
            #expect(instances.status == 0, "\(instances)")
            #expect(instances.out.contains("holds no DB instances"), "\(instances)")
            let json = await sandbox.cairn("sim", "instances", "--json")
            #expect(json.status == 0)
            let value = try json.json()
            #expect(value == .array([]))
            let snapshots = await sandbox.cairn("sim", "snapshots")
            #expect(snapshots.status == 0, "\(snapshots)")
            #expect(snapshots.out.contains("no DB snapshots"), "\(snapshots)")
            let faults = await sandbox.cairn("sim", "faults")
            #expect(faults.status == 0, "\(faults)")
            #expect(faults.out == "no fault rules\n", "\(faults)")
            let list = await sandbox.cairn("list")
            #expect(list.out.contains("no executions"), "\(list)")
            #expect(sandbox.stateTree() == nil, "listing created \(sandbox.stateDir)")
        }
    }

    @Test func snapshotsAndFaultRules() async throws {
        try await Sandbox.with { sandbox in
            let create = await sandbox.cairn("sim", "create-snapshot", "orders-snap", "--region", "eu-west-1", "--users", "app")
            #expect(create.status == 0, "\(create)")
            #expect(create.out == "snapshot orders-snap in eu-west-1 is available\n", "\(create)")
            let snapshots = await sandbox.cairn("sim", "snapshots")
            #expect(snapshots.out.contains("eu-west-1  orders-snap  available  postgres"), "\(snapshots)")

            let fault = await sandbox.cairn("sim", "fault", "--instance", "orders", "--fail-after", "3m")
            #expect(fault.status == 0, "\(fault)")
            let throttle = await sandbox.cairn("sim", "fault", "--operation", "*", "--code", "Throttling", "--times", "3")
            #expect(throttle.status == 0, "\(throttle)")
            let faults = await sandbox.cairn("sim", "faults")
            #expect(faults.out.split(separator: "\n").count == 2, "\(faults)")
            #expect(faults.out.contains("orders"), "\(faults)")
            #expect(faults.out.contains("Throttling"), "\(faults)")
            let clear = await sandbox.cairn("sim", "fault", "--clear")
            #expect(clear.status == 0)
            #expect(await sandbox.cairn("sim", "faults").out == "no fault rules\n")

            let badDuration = await sandbox.cairn("sim", "fault", "--instance", "orders", "--fail-after", "soon")
            #expect(badDuration.status == 2, "\(badDuration)")
            #expect(badDuration.err.contains("--fail-after"), "\(badDuration)")
            let badName = await sandbox.cairn("sim", "fault", "--instance", "-bad-", "--fail-after", "1m")
            #expect(badName.status == 2, "\(badName)")
            #expect(badName.err.contains("identifier"), "\(badName)")
        }
    }

    @Test func damagedSimulatorStateSaysWhatToDo() async throws {
        try await Sandbox.with { sandbox in
            try FileManager.default.createDirectory(atPath: sandbox.stateDir + "/sim", withIntermediateDirectories: true)
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: sandbox.stateDir + "/sim/state.json"))
            for arguments in [
                ["sim", "instances"], ["sim", "faults"], ["run", workflowPath("create-instance"), "--input", "identifier=a"],
            ] {
                let result = await sandbox.cairn(arguments)
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(result.err.contains("sim.corruptState"), "\(arguments): \(result)")
                #expect(result.err.contains("move that directory aside"), "\(arguments): \(result)")
                #expect(!result.err.contains(".."), "\(arguments): \(result)")
            }
        }
    }

    /// A misspelt operation would be stored and never fire; it is refused with the list of names.
    @Test func aMisspeltFaultOperationIsRefused() async throws {
        try await Sandbox.with { sandbox in
            for operation in ["CreateDBInstances", "createdbinstance"] {
                let result = await sandbox.cairn("sim", "fault", "--operation", operation, "--code", "Throttling")
                #expect(result.status == 2, "\(operation): \(result)")
                #expect(result.err.contains("CreateDBInstanceReadReplica"), "\(operation): \(result)")
            }
        }
    }
}

@Suite struct InterruptedWriteTests {
    /// A crash during an atomic write leaves `.NAME.tmp-PID-N` behind; the next lock holder removes
    /// them, and reading commands (which hold no lock) leave them alone.
    @Test func theLockHolderRemovesTemporaryFilesLeftByACrash() async throws {
        try await Sandbox.with { sandbox in
            #expect(await sandbox.cairn("sim", "create-snapshot", "snap", "--users", "app").status == 0)
            let strays = [
                sandbox.stateDir + "/executions/.x.history.tmp-123-1", sandbox.stateDir + "/sim/.state.json.tmp-123-2",
            ]
            for path in strays { try Data("partial".utf8).write(to: URL(fileURLWithPath: path)) }
            #expect(await sandbox.cairn("list").status == 0)
            for path in strays { #expect(FileManager.default.fileExists(atPath: path)) }
            #expect(await sandbox.cairn("sim", "faults").status == 0)
            for path in strays { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
            #expect(await sandbox.cairn("sim", "snapshots").out.contains("snap"))
        }
    }
}
