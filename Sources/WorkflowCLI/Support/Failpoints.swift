import Foundation
import RDSSimulator

/// Named crash points for the end-to-end tests (etcd's gofail idea): `CAIRN_FAILPOINTS=NAME=kill`
/// makes the process SIGKILL itself when it reaches NAME, so a test can crash it at an exact moment
/// instead of racing a window of a few milliseconds. Unset, they cost one dictionary lookup.
///
/// Points: `run.beforeFirstEvent` (lock held, simulator open, nothing recorded yet),
/// `run.afterFirstEvent` (the first batch is durable, nothing dispatched acknowledged to the user),
/// `sim.saved:OP:IDENTIFIER` (the RDS simulator saved and logged that call's change, its answer has
/// not reached the activity: the resource exists and no history records it).
enum Failpoints {
    /// The simulator's hook for the `sim.saved:` points, nil when none is set.
    static func simulator(_ environment: [String: String]) -> (@Sendable (SimulatorCall) -> Void)? {
        guard let spec = environment["CAIRN_FAILPOINTS"], spec.contains("sim.saved:") else { return nil }
        return { call in hit("sim.saved:\(call.op):\(call.identifier ?? "")", environment: environment) }
    }

    static func hit(_ name: String, environment: [String: String]) {
        guard let spec = environment["CAIRN_FAILPOINTS"], !spec.isEmpty else { return }
        for entry in spec.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            if parts.count == 2, parts[1] == "kill" { kill(getpid(), SIGKILL) }
        }
    }
}
