import Foundation
import FuzzTargets
import Testing

/// Replays the committed fuzz corpus (`Corpus/<target>/`, seeds and every crash `make fuzz` ever
/// found) through the same functions libFuzzer drives, so a fixed finding stays fixed.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    @Test func definitionCorpus() throws {
        let inputs = try Self.inputs("definition")
        #expect(inputs.count >= 10)
        for input in inputs { #expect(FuzzTargets.definition(input.bytes) == nil, "\(input.name)") }
        print("RESULT test=T26-corpus target=definition inputs=\(inputs.count) problems=0")
    }

    @Test func historyCorpus() throws {
        let inputs = try Self.inputs("history")
        #expect(inputs.count >= 9)
        for input in inputs { #expect(FuzzTargets.history(input.bytes) == nil, "\(input.name)") }
        print("RESULT test=T26-corpus target=history inputs=\(inputs.count) problems=0")
    }
}
