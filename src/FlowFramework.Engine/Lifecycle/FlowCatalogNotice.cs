namespace FlowFramework.Engine
{
    /// <summary>What a listing could not fully answer; the listing goes on without it.</summary>
    public enum FlowCatalogNoticeKind
    {
        /// <summary>The state search failed, so State is empty.</summary>
        StatesUnreadable,
        /// <summary>The template search failed, so HasTemplate is empty.</summary>
        TemplatesUnreadable,
        /// <summary>The search reached the server's result window (from + size at most 10 000); later hits were not read.</summary>
        ResultWindowReached,
    }

    public sealed class FlowCatalogNotice
    {
        internal FlowCatalogNotice(FlowCatalogNoticeKind kind, FlowApiException? error = null, int count = 0)
        {
            Kind = kind;
            Error = error;
            Count = count;
        }

        public FlowCatalogNoticeKind Kind { get; }

        /// <summary>The failure behind it, when there was one.</summary>
        public FlowApiException? Error { get; }

        /// <summary>For ResultWindowReached: how many hits were read.</summary>
        public int Count { get; }
    }
}
