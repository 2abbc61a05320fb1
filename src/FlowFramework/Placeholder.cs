namespace FlowFramework { internal static class Placeholder { } }
