import Testing
import ZKStorage

@Test func storageModuleLinks() {
    #expect(String(describing: ZKStorage.self) == "ZKStorage")
}
