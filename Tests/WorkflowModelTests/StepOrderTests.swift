import Testing
import Time
import WorkflowModel

/// `WorkflowDefinition.stepOrder` is the decider's evaluation order, kept from the steps once.
@Suite struct StepOrderTests {
    func step(_ id: String, after: [String]? = nil) -> Step {
        Step(id: id, kind: .timer(duration: .seconds(1)), after: after)
    }

    func order(_ definition: WorkflowDefinition) -> [String] {
        definition.stepOrder.map { definition.steps[$0.index].id }
    }

    @Test func followsDependenciesThenFileOrder() {
        let definition = WorkflowDefinition(
            name: "order",
            steps: [step("c", after: ["b"]), step("a", after: []), step("b", after: ["a"]), step("d")])
        // d, without `after`, waits for the step listed before it (b), so it is ready before c is.
        #expect(order(definition) == ["a", "b", "d", "c"])
        #expect(definition.stepOrder.map(\.dependencies) == [[], ["a"], ["b"], ["b"]])
        let graph = StepGraph(steps: definition.steps)
        #expect(order(definition) == graph.topologicalOrder())
    }

    @Test func followsTheStepsWhenTheyChange() {
        var definition = WorkflowDefinition(name: "order", steps: [step("a"), step("b")])
        #expect(order(definition) == ["a", "b"])
        definition.steps.insert(step("z", after: []), at: 0)
        definition.steps[1].after = ["b"]
        definition.steps[2].after = []
        #expect(order(definition) == ["z", "b", "a"])
        #expect(definition.stepOrder.map(\.dependencies) == [[], [], ["b"]])
    }

    @Test func leavesOutStepsOnACycle() {
        let definition = WorkflowDefinition(
            name: "cycle", steps: [step("a", after: ["b"]), step("b", after: ["a"]), step("c", after: [])])
        #expect(order(definition) == ["c"])
    }
}
