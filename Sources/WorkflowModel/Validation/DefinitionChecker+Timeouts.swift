import StrictJSON
import Time

/// One level timeouts come from, most specific first: the step (or compensation), the workflow's
/// defaults, the activity type's defaults.
struct TimeoutLevel {
    /// The settings made at this level.
    var overrides: TimeoutOverrides
    /// The level's `timeouts` object; for the activity type, the `activity` member that names it.
    var pointer: JSONPointer
    /// True for the activity type's defaults, which have no `timeouts` object to point into.
    var isActivityType: Bool
    /// How messages name the level.
    var phrase: String
}

/// An effective timeout and the level that set it.
struct EffectiveTimeout {
    var name: String
    var value: Interval?
    /// Index into the levels; lower is more specific.
    var level: Int
    var pointer: JSONPointer
    var phrase: String

    var text: String { value?.description ?? "NONE" }
}

extension DefinitionChecker {
    /// Checks the effective timeouts of every activity step and compensation, as the decider computes them.
    mutating func checkEffectiveTimeouts(_ draft: WorkflowDraft) {
        let defaults = draft.definition.defaults.timeouts
        let defaultsPointer = JSONPointer(tokens: ["defaults", "timeouts"])
        for step in draft.steps where !step.isTimer {
            if let spec = step.spec {
                checkTimeouts(
                    levels: [
                        TimeoutLevel(
                            overrides: step.step.timeouts, pointer: step.pointer.appending("timeouts"),
                            isActivityType: false, phrase: "set by the step"),
                        TimeoutLevel(
                            overrides: defaults, pointer: defaultsPointer, isActivityType: false,
                            phrase: "from the workflow defaults"),
                        typeLevel(spec, at: step.pointer.appending("activity")),
                    ], owner: "\(step.phrase) (\(spec.name))")
            }
            if let compensation = step.step.compensation, let spec = step.compensationSpec {
                let pointer = step.pointer.appending("compensation")
                checkTimeouts(
                    levels: [
                        TimeoutLevel(
                            overrides: compensation.timeouts, pointer: pointer.appending("timeouts"),
                            isActivityType: false, phrase: "set by the compensation"),
                        TimeoutLevel(
                            overrides: defaults, pointer: defaultsPointer, isActivityType: false,
                            phrase: "from the workflow defaults"),
                        typeLevel(spec, at: pointer.appending("activity")),
                    ], owner: "the compensation of \(step.phrase) (\(spec.name))")
            }
        }
    }

    private func typeLevel(_ spec: ActivityTypeSpec, at pointer: JSONPointer) -> TimeoutLevel {
        func setting(_ interval: Interval?) -> TimeoutSetting { interval.map { .after($0) } ?? .none }
        let timeouts = spec.defaultTimeouts
        return TimeoutLevel(
            overrides: TimeoutOverrides(
                scheduleToStart: setting(timeouts.scheduleToStart), startToClose: setting(timeouts.startToClose),
                scheduleToClose: setting(timeouts.scheduleToClose), heartbeat: setting(timeouts.heartbeat)),
            pointer: pointer, isActivityType: true, phrase: "the default of \(spec.name)")
    }

    private func effective(_ name: String, _ keyPath: KeyPath<TimeoutOverrides, TimeoutSetting?>, _ levels: [TimeoutLevel])
        -> EffectiveTimeout
    {
        for (index, level) in levels.enumerated() {
            guard let setting = level.overrides[keyPath: keyPath] else { continue }
            let pointer = level.isActivityType ? level.pointer : level.pointer.appending(name)
            return EffectiveTimeout(name: name, value: setting.interval, level: index, pointer: pointer, phrase: level.phrase)
        }
        return EffectiveTimeout(name: name, value: nil, level: levels.count, pointer: .root, phrase: "unset")
    }

    private mutating func checkTimeouts(levels: [TimeoutLevel], owner: String) {
        let heartbeat = effective("heartbeat", \.heartbeat, levels)
        let startToClose = effective("startToClose", \.startToClose, levels)
        let scheduleToClose = effective("scheduleToClose", \.scheduleToClose, levels)
        let scheduleToStart = effective("scheduleToStart", \.scheduleToStart, levels)
        if let beat = heartbeat.value, let run = startToClose.value, beat >= run {
            contradiction(
                heartbeat, startToClose, "is not shorter than", owner: owner,
                advice: "a heartbeat timeout must be shorter than one attempt; lower heartbeat or raise startToClose")
        }
        if let run = startToClose.value, let total = scheduleToClose.value, run > total {
            contradiction(
                startToClose, scheduleToClose, "is longer than", owner: owner,
                advice: "one attempt cannot outlast all attempts together; lower startToClose or raise scheduleToClose")
        }
        if let wait = scheduleToStart.value, let total = scheduleToClose.value, wait >= total {
            contradiction(
                scheduleToStart, scheduleToClose, "is not shorter than", owner: owner,
                advice: "the task would time out before it could start; lower scheduleToStart or raise scheduleToClose")
        }
        if startToClose.value == nil, scheduleToClose.value == nil {
            let culprit = scheduleToClose.level < startToClose.level ? scheduleToClose : startToClose
            let pointer = culprit.level < levels.count ? culprit.pointer : levels[levels.count - 1].pointer
            reportTimeout(
                Code.unboundedActivity, at: pointer,
                "\(owner) has no time limit: startToClose is NONE (\(startToClose.phrase)) and scheduleToClose is NONE (\(scheduleToClose.phrase)); every activity needs a bound: set one of them"
            )
        }
    }

    /// Reports `first` against `second`, at whichever was set by the more specific level.
    private mutating func contradiction(
        _ first: EffectiveTimeout, _ second: EffectiveTimeout, _ relation: String, owner: String, advice: String
    ) {
        let culprit = second.level < first.level ? second : first
        reportTimeout(
            Code.timeoutContradiction, at: culprit.pointer,
            "in \(owner), \(first.name) \(first.text) (\(first.phrase)) \(relation) \(second.name) \(second.text) (\(second.phrase)); \(advice)"
        )
    }

    /// A problem set by the workflow defaults shows once, not once per step it reaches.
    private mutating func reportTimeout(_ code: Diagnostic.Code, at pointer: JSONPointer, _ message: String) {
        if pointer.tokens.first == "defaults" {
            reportOnce(code, at: pointer, message + " (the workflow defaults apply to every step that does not override them)")
        } else {
            report(code, at: pointer, message)
        }
    }
}
