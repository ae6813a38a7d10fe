import Foundation
import ModelwardenCore
import Testing

/// `VersionSuffix` replaced a regular expression in the pinning fact; it must answer exactly as that expression did.
@Suite struct VersionSuffixTests {
    static let expression = #"(\d{4}-?\d{2}-?\d{2}|@\d+|-\d{3}$|-v\d+(:\d+)?$|-\d{4}$)"#

    static let ids = [
        "gpt-4o", "gpt-4o-2024-08-06", "gpt-4-0613", "gpt-35-turbo-0125", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest",
        "gemini-1.5-pro-002", "gemini-1.5-pro@002", "gemini-1.5-pro", "anthropic.claude-3-sonnet-20240229-v1:0",
        "amazon.titan-embed-text-v2:0", "mistral-large-2407", "mistral-large-latest", "command-r-08-2024", "o1-2024-12-17", "o3",
        "text-embedding-3-small", "gpt-4-32k", "model-v2", "model-v", "model-v:1", "model-v2:", "-v1", "v1", "a-1234", "a-12345",
        "a-12", "x@", "x@a1", "@7", "2024-0806", "202408-06", "2024-08-6", "1234567", "12345678", "abc12345678def", "-123",
        "llama-3.1-70b", "qwen2.5-72b-instruct", "deepseek-v3", "deepseek-v3-0324", "grok-2-1212", "", "-", "--v1:2",
        "gpt-4.1-2025-04-14", "chatgpt-4o-latest", "a-v12:34", "a-v12:", "a-v:34", "a-x12:34", "ft:gpt-4o-mini:org::abc123",
    ]

    @Test func answersAsTheRegularExpressionDid() throws {
        let regex = try NSRegularExpression(pattern: Self.expression)
        var generated = Self.ids
        // Every short string over the alphabet the expression cares about, to reach the corners the list misses.
        let alphabet = ["1", "12", "1234", "-", "v", ":", "@", "a"]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + $0 } }
            generated += frontier
        }
        for id in generated {
            let expected = regex.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) != nil
            #expect(VersionSuffix.fixesVersion(id) == expected, "\(id)")
        }
    }
}
