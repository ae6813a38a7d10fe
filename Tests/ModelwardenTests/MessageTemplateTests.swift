@testable import ModelwardenCore
import Testing

/// Rule messages are split into templates once per policy set (`MessageTemplate`); a rendered template must read as
/// `Rule.render` reads the message, unknown facts and unclosed braces included.
@Suite struct MessageTemplateTests {
    @Test func templatesRenderAsMessagesDo() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["{model}", "{license.id}", "{missing}", "{", "}", "{{", "}}", "uses ", " at ", "é", "\u{301}", "{x", "y}", ""]
        let facts: [String: FactValue] = ["model": .string("gpt-4o"), "license.id": .string("MIT"), "x": .number(2), "{x": .bool(true)]
        let fact = { (path: String) in facts[path] }
        for _ in 0..<4000 {
            let message = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(MessageTemplate(message).render(fact) == Rule.render(message, fact), "\(message.debugDescription)")
        }
        #expect(MessageTemplate("{model} under {license.id}, {nothing}").render(fact) == "gpt-4o under MIT, unknown")
    }
}
