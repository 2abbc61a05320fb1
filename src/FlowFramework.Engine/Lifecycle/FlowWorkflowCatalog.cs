using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Lists templates and state documents, all pages, and joins each page with the other index in one search: the
    /// templates' states (State) and the states' templates (HasTemplate). Results are handed over page by page as
    /// they arrive; failures of the join are notices, failures of the listing itself are thrown.
    /// </summary>
    public sealed class FlowWorkflowCatalog
    {
        /// <summary>The server's default index.max_result_window: from + size may not pass it.</summary>
        internal const int ResultWindow = 10000;

        private readonly FlowApiClient _client;
        private readonly int _pageSize;

        public FlowWorkflowCatalog(FlowApiClient client, int pageSize = 100)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            if (pageSize < 1 || pageSize > ResultWindow)
            {
                throw new ArgumentOutOfRangeException(nameof(pageSize));
            }

            _pageSize = pageSize;
        }

        /// <summary>Every template the filter keeps, oldest first, each with its state.</summary>
        public async Task FindWorkflowsAsync(FlowWorkflowFilter filter, Action<FlowWorkflow> found, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await ForEachPageAsync(
                FlowSearchTarget.Templates,
                (from, size) => SearchQueries.Templates(filter, from, size),
                async hits =>
                {
                    var page = hits.Where(h => seen.Add(h.Id)).Select(h => SearchReader.ReadTemplate(h.Source, h.Id)).Where(filter.Matches).ToList();
                    foreach (var workflow in await WithStatesAsync(page, notice, ct).ConfigureAwait(false))
                    {
                        found(workflow);
                    }
                },
                notice,
                ct).ConfigureAwait(false);
        }

        /// <summary>The newest templates (one page, newest first, without their states): what tab completion offers.</summary>
        public async Task<IReadOnlyList<FlowWorkflow>> NewestAsync(CancellationToken ct)
        {
            var hits = await _client.SearchAsync(FlowSearchTarget.Templates, SearchQueries.Templates(new FlowWorkflowFilter(null, null), 0, _pageSize, newestFirst: true), ct).ConfigureAwait(false);
            return hits.Select(h => SearchReader.ReadTemplate(h.Source, h.Id)).ToList();
        }

        /// <summary>
        /// The templates with these ids (one GET each), kept by the filter, with their states from one state search.
        /// An id that cannot be read goes to <paramref name="failed"/>.
        /// </summary>
        public async Task GetWorkflowsAsync(IReadOnlyList<string> ids, FlowWorkflowFilter filter, Action<FlowWorkflow> found, Action<string, FlowApiException> failed, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            var page = (await ReadEachAsync(ids, _client.GetWorkflowAsync, failed, ct).ConfigureAwait(false)).Where(filter.Matches).ToList();
            foreach (var workflow in await WithStatesAsync(page, notice, ct).ConfigureAwait(false))
            {
                found(workflow);
            }
        }

        /// <summary>Every state document the filter keeps, in workflow id order, each with HasTemplate.</summary>
        public async Task FindStatusesAsync(FlowStatusFilter filter, Action<FlowWorkflowStatus> found, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            await ForEachPageAsync(
                FlowSearchTarget.States,
                (from, size) => SearchQueries.States(filter, from, size),
                async hits =>
                {
                    var page = hits.Select(h => ResponseReader.ReadWorkflowState(h.Source, h.Id)).Where(filter.Matches).ToList();
                    foreach (var status in await WithTemplatesAsync(page, notice, ct).ConfigureAwait(false))
                    {
                        found(status);
                    }
                },
                notice,
                ct).ConfigureAwait(false);
        }

        /// <summary>
        /// The status of each id (<c>GET .../_status</c>), with HasTemplate from one template search for those that were
        /// read. An id that cannot be read goes to <paramref name="failed"/>.
        /// </summary>
        public async Task GetStatusesAsync(IReadOnlyList<string> ids, bool all, Action<FlowWorkflowStatus> found, Action<string, FlowApiException> failed, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            var page = await ReadEachAsync(ids, (id, token) => _client.GetWorkflowStatusAsync(id, all, token), failed, ct).ConfigureAwait(false);
            foreach (var status in await WithTemplatesAsync(page, notice, ct).ConfigureAwait(false))
            {
                found(status);
            }
        }

        /// <summary>One read per id; a failed id goes to <paramref name="failed"/>, and rejected credentials end the reads.</summary>
        private static async Task<List<T>> ReadEachAsync<T>(IReadOnlyList<string> ids, Func<string, CancellationToken, Task<T>> read, Action<string, FlowApiException> failed, CancellationToken ct)
        {
            var found = new List<T>();
            foreach (var id in ids)
            {
                try
                {
                    found.Add(await read(id, ct).ConfigureAwait(false));
                }
                catch (FlowApiException ex)
                {
                    failed(id, ex);
                    if (ex.Kind == FlowErrorKind.Authentication)
                    {
                        break;
                    }
                }
            }

            return found;
        }

        private async Task ForEachPageAsync(FlowSearchTarget target, Func<int, int, string> query, Func<List<SearchHit>, Task> onPage, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            for (var from = 0; ; from += _pageSize)
            {
                var size = Math.Min(_pageSize, ResultWindow - from);
                var hits = await _client.SearchAsync(target, query(from, size), ct).ConfigureAwait(false);
                await onPage(hits).ConfigureAwait(false);
                if (hits.Count < size)
                {
                    return;
                }

                if (from + size >= ResultWindow)
                {
                    notice(new FlowCatalogNotice(FlowCatalogNoticeKind.ResultWindowReached, count: from + hits.Count));
                    return;
                }
            }
        }

        private async Task<List<FlowWorkflow>> WithStatesAsync(List<FlowWorkflow> page, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            if (page.Count == 0)
            {
                return page;
            }

            try
            {
                var hits = await _client.SearchAsync(FlowSearchTarget.States, SearchQueries.StatesOf(page.Select(w => w.WorkflowId).ToArray()), ct).ConfigureAwait(false);
                var states = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var hit in hits)
                {
                    states[ResponseReader.GetString(hit.Source, "workflow_id") ?? hit.Id] = ResponseReader.GetString(hit.Source, "state");
                }

                return page.Select(w => w.WithState(states.TryGetValue(w.WorkflowId, out var state) ? state : null)).ToList();
            }
            catch (FlowApiException ex) when (ex.Kind != FlowErrorKind.Authentication)
            {
                notice(new FlowCatalogNotice(FlowCatalogNoticeKind.StatesUnreadable, ex));
                return page;
            }
        }

        private async Task<List<FlowWorkflowStatus>> WithTemplatesAsync(List<FlowWorkflowStatus> page, Action<FlowCatalogNotice> notice, CancellationToken ct)
        {
            if (page.Count == 0)
            {
                return page;
            }

            try
            {
                var ids = page.Select(s => s.WorkflowId).Distinct(StringComparer.Ordinal).ToArray();
                var hits = await _client.SearchAsync(FlowSearchTarget.Templates, SearchQueries.TemplatesWithIds(ids), ct).ConfigureAwait(false);
                var existing = new HashSet<string>(hits.Select(h => h.Id), StringComparer.Ordinal);
                return page.Select(s => s.WithTemplate(existing.Contains(s.WorkflowId))).ToList();
            }
            catch (FlowApiException ex) when (ex.Kind != FlowErrorKind.Authentication)
            {
                notice(new FlowCatalogNotice(FlowCatalogNoticeKind.TemplatesUnreadable, ex));
                return page;
            }
        }
    }
}
