import Foundation
import RDSCore
import RDSSimulator
import StateDirectory
import StrictJSON
import SystemIO
import Time
import WorkflowEngine

/// `cairn sim ...`: the built-in RDS simulator's state in this state directory.
enum SimCommand {
    static let command = Command(
        name: "sim", summary: "inspect and prepare the built-in RDS simulator",
        usage: "cairn sim instances [--json] | sim snapshots | sim faults | sim fault ... | sim create-snapshot ID ...",
        details: """
            sim instances [--json]          DB instances the simulator holds, with their current status
            sim snapshots                   DB snapshots
            sim faults                      fault rules not yet used up
            sim fault --operation OP --code CODE [--times N] [--identifier GLOB]
                                            the next N calls of OP (e.g. CreateDBInstanceReadReplica, or *) fail with CODE
            sim fault --instance ID --fail-after DURATION
                                            the instance goes to status failed DURATION (simulated) after it exists
            sim fault --clear               remove every fault rule
            sim create-snapshot ID [--region R] [--engine E] [--users a,b,c]
                                            an available snapshot "from an earlier database" with those application users

            sim instances reads without the lock, so it works while an engine runs; the other actions need
            the state directory's lock (no engine running). Fault rules and speed are kept in DIR/sim.
            """,
        options: [
            OptionSpec(name: "json", takesValue: false, help: "JSON output (instances)"),
            OptionSpec(
                name: "operation", takesValue: true, help: "exact RDS action name, e.g. CreateDBInstance (case matters), or *",
                valueName: "OP"),
            OptionSpec(name: "code", takesValue: true, help: "error code the fault returns, e.g. Throttling", valueName: "CODE"),
            OptionSpec(name: "times", takesValue: true, help: "how many calls fail (default 1)", valueName: "N"),
            OptionSpec(name: "identifier", takesValue: true, help: "only identifiers matching this glob", valueName: "GLOB"),
            OptionSpec(name: "instance", takesValue: true, help: "instance that will fail", valueName: "ID"),
            OptionSpec(name: "fail-after", takesValue: true, help: "simulated time until it fails, e.g. 3m", valueName: "DURATION"),
            OptionSpec(name: "clear", takesValue: false, help: "remove every fault rule"),
            OptionSpec(name: "region", takesValue: true, help: "region (default us-east-1)", valueName: "R"),
            OptionSpec(name: "engine", takesValue: true, help: "engine (default postgres)", valueName: "E"),
            OptionSpec(name: "users", takesValue: true, help: "comma-separated application users", valueName: "LIST"),
        ],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        guard let action = invocation.arguments.positionals.first else {
            throw UsageError(message: "missing action: instances, snapshots, faults, fault or create-snapshot")
        }
        let arguments = Array(invocation.arguments.positionals.dropFirst())
        switch action {
        case "instances":
            guard arguments.isEmpty else { throw UsageError(message: "sim instances takes no arguments") }
            return try instances(invocation)
        case "snapshots", "faults":
            guard arguments.isEmpty else { throw UsageError(message: "sim \(action) takes no arguments") }
            let directory = invocation.stateDirectory
            let print = { (faults: [FaultRule], snapshots: [DBSnapshot]) in
                if action == "faults" {
                    if faults.isEmpty { invocation.console.line("no fault rules") }
                    for fault in faults { invocation.console.line(fault.description) }
                } else if snapshots.isEmpty {
                    invocation.console.line("the simulator in \(directory.simulatorPath) holds no DB snapshots")
                } else {
                    let rows = snapshots.map { [$0.region, $0.identifier, $0.status, $0.engine] }
                    for line in table([["REGION", "SNAPSHOT", "STATUS", "ENGINE"]] + rows) { invocation.console.line(line) }
                }
            }
            // Nothing to list, and nothing to create just for listing it.
            guard directory.fileSystem.fileExists(at: directory.simulatorPath) else {
                print([], [])
                return ExitStatus.success
            }
            // The simulator offers no read-only view of these (unlike instances), so this takes the lock.
            return try withSimulator(invocation) { simulator in print(simulator.faults(), simulator.snapshots()) }
        case "fault":
            guard arguments.isEmpty else { throw UsageError(message: "sim fault takes options only") }
            return try fault(invocation)
        case "create-snapshot":
            guard arguments.count == 1 else { throw UsageError(message: "sim create-snapshot needs one snapshot ID") }
            let users = (invocation.arguments.value("users") ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
            return try withSimulator(invocation) { simulator in
                let snapshot = try simulator.createSnapshotFixture(
                    region: invocation.arguments.value("region") ?? "us-east-1", snapshotIdentifier: arguments[0],
                    engine: invocation.arguments.value("engine") ?? "postgres", applicationUsers: users)
                invocation.console.line("snapshot \(snapshot.identifier) in \(snapshot.region) is \(snapshot.status)")
            }
        default:
            throw UsageError(message: "unknown sim action \"\(action)\"; use instances, snapshots, faults, fault or create-snapshot")
        }
    }

    static func instances(_ invocation: Invocation) throws -> Int32 {
        let directory = invocation.stateDirectory
        let instances: [DBInstance]
        do {
            instances = try SimulatorSnapshotReader.instances(
                directory: directory.simulatorPath, fileSystem: directory.fileSystem, now: SystemWallClock().now())
        } catch let error as SimulatorError {
            throw directory.failure(error)
        }
        if invocation.arguments.flag("json") {
            let values = instances.map { instance -> JSONValue in
                var object = JSONObject()
                object["identifier"] = .string(instance.identifier)
                object["arn"] = .string(instance.arn)
                object["region"] = .string(instance.region)
                object["status"] = .string(instance.status)
                object["engine"] = .string(instance.engine)
                object["instanceClass"] = .string(instance.instanceClass)
                object["multiAZ"] = .bool(instance.multiAZ)
                if let endpoint = instance.endpoint {
                    object["endpoint"] = ["address": .string(endpoint.address), "port": .number(Double(endpoint.port))]
                }
                if let source = instance.readReplicaSourceArn { object["readReplicaSourceArn"] = .string(source) }
                var tags = JSONObject()
                for tag in instance.tags { tags[tag.key] = .string(tag.value) }
                object["tags"] = .object(tags)
                return .object(object)
            }
            invocation.console.line(JSONValue.array(values).prettyString())
            return ExitStatus.success
        }
        if instances.isEmpty {
            invocation.console.line("the simulator in \(directory.simulatorPath) holds no DB instances")
            return ExitStatus.success
        }
        var rows = [["REGION", "IDENTIFIER", "STATUS", "CLASS", "MULTI-AZ", "REPLICA OF", "EXECUTION"]]
        for instance in instances {
            rows.append([
                instance.region, instance.identifier, instance.status, instance.instanceClass,
                instance.multiAZ ? "yes" : "no", instance.readReplicaSourceArn.map(shortArn) ?? "-",
                instance.tags.first { $0.key == "cairn:execution" }?.value ?? "-",
            ])
        }
        for line in table(rows) { invocation.console.line(line) }
        return ExitStatus.success
    }

    static func fault(_ invocation: Invocation) throws -> Int32 {
        let arguments = invocation.arguments
        let rule: FaultRule?
        if arguments.flag("clear") {
            rule = nil
        } else if let operation = arguments.value("operation") {
            guard let code = arguments.value("code") else { throw UsageError(message: "--operation needs --code, e.g. --code Throttling") }
            guard let times = Int(arguments.value("times") ?? "1"), times >= 1 else {
                throw UsageError(message: "--times must be a positive integer, got \(quoted(arguments.value("times") ?? ""))")
            }
            rule = .failOperation(op: operation, code: code, times: times, identifierPattern: arguments.value("identifier"))
        } else if let instance = arguments.value("instance") {
            guard let text = arguments.value("fail-after") else {
                throw UsageError(message: "--instance needs --fail-after DURATION, e.g. --fail-after 3m")
            }
            guard let after = Interval(parsing: text) else {
                throw UsageError(
                    message: "--fail-after \(quoted(text)) is not a duration: give a number with a unit (d, h, m, s or ms; "
                        + "largest first, at most 366d), e.g. 90s, 3m or 1h30m")
            }
            rule = .instanceFails(identifier: instance, after: after)
        } else {
            throw UsageError(message: "say which fault: --operation OP --code CODE, --instance ID --fail-after DURATION, or --clear")
        }
        return try withSimulator(invocation) { simulator in
            if let rule {
                try simulator.addFault(rule)
                invocation.console.line("fault added: \(rule)")
            } else {
                try simulator.clearFaults()
                invocation.console.line("fault rules cleared")
            }
        }
    }

    /// Opens the simulator under the state directory's lock and runs `body`.
    static func withSimulator(_ invocation: Invocation, _ body: (RDSSimulator) throws -> Void) throws -> Int32 {
        let directory = invocation.stateDirectory
        let (_, lock) = try directory.openForWriting(holder: processIdentity("sim"))
        defer { lock.release() }
        do {
            try body(try directory.openSimulator(clock: SystemWallClock()))
        } catch let error as SimulatorError {
            throw directory.failure(error)
        } catch let error as RDSError {
            let invalid = error.code == .invalidParameterValue || error.code == .invalidParameterCombination
            throw CLIError(status: invalid ? ExitStatus.usage : ExitStatus.failure, message: "\(error.code): \(error.message)")
        }
        return ExitStatus.success
    }

    static func shortArn(_ arn: String) -> String {
        let parts = arn.split(separator: ":")
        return parts.count >= 7 ? "\(parts[6]) (\(parts[3]))" : arn
    }
}
