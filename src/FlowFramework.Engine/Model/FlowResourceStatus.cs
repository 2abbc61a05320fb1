namespace FlowFramework.Engine
{
    /// <summary>Where one created resource stands, as far as the client knows.</summary>
    public enum FlowResourceStatus
    {
        /// <summary>Recorded in the workflow state; nothing has been tried yet.</summary>
        Present,
        /// <summary>The server deleted (or undeployed) it.</summary>
        Deprovisioned,
        /// <summary>The server tried and could not delete it.</summary>
        Failed,
        /// <summary>An index or pipeline the server only deletes when its id is passed in allow_delete.</summary>
        NeedsAllowDelete,
        /// <summary>Dropped from the state by the server without being deleted (model groups, reindex results).</summary>
        Retained,
    }
}
