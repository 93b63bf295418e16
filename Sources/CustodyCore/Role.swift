/// What a person may do (DESIGN §8, §11): an officer sees their own recordings, a reviewer reviews
/// and searches within their units, an administrator does everything, an auditor reads the audit
/// trail and reports but never evidence.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case officer
    case reviewer
    case administrator
    case auditor

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
