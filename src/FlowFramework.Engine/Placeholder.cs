namespace FlowFramework.Engine { internal static class Placeholder { } }
