import Foundation
public import RDSCore
public import SystemIO
public import Time

/// Reads what a simulator holds without opening it for writing.
///
/// `cairn sim instances` uses it while an engine may be running in another process: opening the
/// simulator would repair its call log, which could cut a line that engine is writing.
public enum SimulatorSnapshotReader {
    /// The instances in the simulator at `directory` as of `now` (empty when it has none yet).
    /// - Throws: ``SimulatorError`` `sim.corruptState` or `sim.io`.
    public static func instances(directory: String, fileSystem: any DurableFileSystem, now: Timestamp) throws -> [DBInstance] {
        guard let state = try state(directory: directory, fileSystem: fileSystem) else { return [] }
        return state.instances.filter { !$0.isGone(at: now) }.map { $0.view(at: now) }
    }

    /// The simulator's speed (simulated seconds per real second), or nil when it was never set.
    public static func speed(directory: String, fileSystem: any DurableFileSystem) throws -> Double? {
        guard let state = try state(directory: directory, fileSystem: fileSystem), state.speedConfigured else { return nil }
        return state.speed
    }

    static func state(directory: String, fileSystem: any DurableFileSystem) throws -> SimulatorState? {
        let path = directory + "/state.json"
        guard fileSystem.fileExists(at: path) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.readFile(at: path)
        } catch {
            throw SimulatorError(code: .io, message: "cannot read \(path)", cause: error)
        }
        do {
            return try JSONDecoder().decode(SimulatorState.self, from: Data(bytes))
        } catch {
            throw SimulatorError(code: .corruptState, message: "\(path) cannot be decoded", cause: error)
        }
    }
}
