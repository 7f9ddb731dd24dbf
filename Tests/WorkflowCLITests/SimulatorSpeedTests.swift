import Foundation
import Testing

@Suite struct SimulatorSpeedTests {
    /// The speed is remembered in the state directory, and an explicit --sim-speed replaces it with a note.
    @Test func explicitSpeedReplacesTheRememberedOne() async throws {
        try await Sandbox.with { sandbox in
            let create = workflowPath("create-instance")
            let first = await sandbox.cairn("run", create, "--input", "identifier=a", "--id", "a", "--sim-speed", "600")
            try #require(first.status == 0, "\(first)")
            #expect(first.err.isEmpty, "\(first)")
            let remembered = await sandbox.cairn("run", create, "--input", "identifier=b", "--id", "b")
            #expect(remembered.status == 0, "\(remembered)")
            #expect(remembered.err.isEmpty, "the remembered speed is used silently: \(remembered)")
            let changed = await sandbox.cairn("run", create, "--input", "identifier=c", "--id", "c", "--sim-speed", "900")
            #expect(changed.status == 0, "\(changed)")
            #expect(changed.err.contains("ran at speed 600; it now runs at 900"), "\(changed)")
            #expect(changed.out.hasPrefix("execution c (run "), "\(changed)")
        }
    }

    /// What the CLI does is what README.md says: another speed replaces the remembered one with a
    /// note; `sim.speedConflict` (the simulator's refusal without override) never reaches a user.
    @Test func theReadmeSaysAnotherSpeedReplacesTheRememberedOne() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let words = readme.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            words.contains(
                "Giving another speed later (to `run`, `resume` or `cancel`) replaces the remembered one, with a note on stderr: "
                    + "operations already under way keep their pace, later ones take the new one. It is never refused."))
    }
}
