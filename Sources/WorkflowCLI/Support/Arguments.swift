/// A usage error: wrong arguments. Exits with status 2 and the subcommand's usage line.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The declared options of one subcommand.
struct OptionSpec: Sendable {
    /// `--name`.
    var name: String
    /// Takes a value (`--name VALUE` or `--name=VALUE`).
    var takesValue: Bool
    /// May be given more than once.
    var repeatable: Bool = false
    /// For help.
    var help: String
    /// The value's placeholder in help, e.g. `DIR`.
    var valueName: String = "VALUE"
}

/// Parsed arguments of one subcommand.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []

    /// The last value of `--name`, if given.
    func value(_ name: String) -> String? { values[name]?.last }
    /// All values of `--name`, in order.
    func all(_ name: String) -> [String] { values[name] ?? [] }
    /// Whether the flag `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// Parses `arguments` against `options`; `--` ends options.
func parseArguments(_ arguments: [String], options: [OptionSpec]) throws -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if optionsEnded || !argument.hasPrefix("--") || argument == "--" {
            if argument == "--" && !optionsEnded {
                optionsEnded = true
            } else {
                parsed.positionals.append(argument)
            }
            continue
        }
        var name = String(argument.dropFirst(2))
        var inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let spec = options.first(where: { $0.name == name }) else {
            let known = options.map { "--\($0.name)" }.joined(separator: ", ")
            throw UsageError(message: "unknown option --\(name)" + (known.isEmpty ? "" : " (known: \(known))"))
        }
        if spec.takesValue {
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError(message: "--\(name) needs a \(spec.valueName)") }
                value = arguments[index]
                index += 1
            }
            if !spec.repeatable, parsed.values[name] != nil {
                throw UsageError(message: "--\(name) was given twice")
            }
            parsed.values[name, default: []].append(value)
        } else {
            guard inlineValue == nil else { throw UsageError(message: "--\(name) takes no value") }
            parsed.flags.insert(name)
        }
    }
    return parsed
}
