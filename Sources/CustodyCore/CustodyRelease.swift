/// This build's release: reported by `status`, written into export bags.
public enum CustodyRelease {
    public static let version = "0.7.0"
}
