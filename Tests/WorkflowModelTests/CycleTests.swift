import Testing
import WorkflowModel

/// Each cycle is reported once, at the `after` of its earliest-listed step, with its path.
@Suite struct CycleTests {
    func cycles(_ steps: [String]) -> [String] {
        let outcome = validate(workflow(steps))
        #expect(outcome.diagnostics.allSatisfy { $0.code == Diagnostic.Code.Workflow.dependencyCycle }, "\(outcome.diagnostics)")
        return outcome.diagnostics.map { "\($0.pointer) \($0.message.split(separator: ":")[1].split(separator: ";")[0])" }
    }

    @Test func selfLoop() {
        #expect(cycles([waitStep("a", "\"after\": [\"a\"]")]) == ["/steps/0/after  a → a"])
    }

    @Test func twoCycle() {
        #expect(
            cycles([waitStep("a", "\"after\": [\"b\"]"), waitStep("b", "\"after\": [\"a\"]")]) == [
                "/steps/0/after  a → b → a"
            ])
    }

    @Test func longCycleThroughImplicitDependencies() {
        // s1..s4 each wait for the step before them; s0 waits for s4.
        let steps = [waitStep("s0", "\"after\": [\"s4\"]")] + (1...4).map { waitStep("s\($0)") }
        #expect(cycles(steps) == ["/steps/0/after  s0 → s4 → s3 → s2 → s1 → s0"])
    }

    @Test func twoSeparateCyclesAndABystander() {
        let steps = [
            waitStep("a", "\"after\": [\"b\"]"), waitStep("b", "\"after\": [\"a\"]"),
            waitStep("c", "\"after\": [\"d\"]"), waitStep("d", "\"after\": [\"c\"]"),
            waitStep("e", "\"after\": [\"a\", \"c\"]"),
        ]
        #expect(cycles(steps) == ["/steps/0/after  a → b → a", "/steps/2/after  c → d → c"])
    }

    @Test func explicitDependenciesWithoutCycleAreFine() {
        let steps = [waitStep("a"), waitStep("b", "\"after\": []"), waitStep("c", "\"after\": [\"a\", \"b\"]")]
        #expect(validate(workflow(steps)).diagnostics == [])
    }
}
