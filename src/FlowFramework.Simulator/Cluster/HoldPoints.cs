namespace FlowFramework.Simulator.Cluster;

/// <summary>Named points in the node's work where the simulator's control surface can hold a request until a test
/// releases it (gates). A point returns at once unless a gate is armed there for the workflow.</summary>
internal interface IHoldPoints
{
    /// <summary>True when a gate is armed at <paramref name="point"/> for this workflow.</summary>
    bool IsArmed(string point, string? workflowId);

    /// <summary>Waits while a gate armed at <paramref name="point"/> holds this workflow.</summary>
    Task WaitAsync(string point, string? workflowId, CancellationToken ct);
}

/// <summary>The hold points the node passes through, by name.</summary>
internal static class HoldPoint
{
    /// <summary>A deprovision sequence has started on the pool, before its first step (it holds a pool slot and the tenant slot).</summary>
    public const string DeprovisionStart = "deprovision-start";

    /// <summary>A deprovision has finished its work and decided its answer, before it answers (pool and tenant slots held).</summary>
    public const string BeforeDeprovisionAnswer = "before-deprovision-answer";

    /// <summary>After a partial deprovision answered, before its final state write lands.</summary>
    public const string BeforeStateWrite = "before-state-write";

    /// <summary>A provisioning node is about to run its step.</summary>
    public const string ProvisionStep = "provision-step";

    /// <summary>A model's asynchronous deployment is about to complete (it is DEPLOYING until released).</summary>
    public const string DeployComplete = "deploy-complete";

    public static readonly string[] All = [DeprovisionStart, BeforeDeprovisionAnswer, BeforeStateWrite, ProvisionStep, DeployComplete];
}
