struct BadFixture: Sendable {
    var name: String
    static let all: [BadFixture] = []
}
