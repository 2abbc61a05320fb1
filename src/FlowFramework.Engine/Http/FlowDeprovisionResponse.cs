using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>The answers of <c>_deprovision</c> that are not errors.</summary>
    public enum FlowDeprovisionResponseKind
    {
        /// <summary>200: everything was deleted.</summary>
        Completed,
        /// <summary>202: some resources could not be deleted.</summary>
        Partial,
        /// <summary>403 naming only resources that need allow_delete.</summary>
        NeedsAllowDelete,
    }

    /// <summary>One answer of <c>POST .../_deprovision</c>.</summary>
    public sealed class FlowDeprovisionResponse
    {
        public FlowDeprovisionResponse(
            FlowDeprovisionResponseKind kind,
            int statusCode,
            string? message,
            IReadOnlyList<FlowResourceKey>? failedResources,
            IReadOnlyList<FlowResourceKey>? needsAllowDeleteResources)
        {
            Kind = kind;
            StatusCode = statusCode;
            Message = message;
            FailedResources = failedResources ?? Array.Empty<FlowResourceKey>();
            NeedsAllowDeleteResources = needsAllowDeleteResources ?? Array.Empty<FlowResourceKey>();
        }

        public FlowDeprovisionResponseKind Kind { get; }

        public int StatusCode { get; }

        /// <summary>The server's <c>error</c> text (null on 200).</summary>
        public string? Message { get; }

        /// <summary>Resources the server tried and could not delete, as named in the message.</summary>
        public IReadOnlyList<FlowResourceKey> FailedResources { get; }

        /// <summary>Resources skipped because their id was not in allow_delete.</summary>
        public IReadOnlyList<FlowResourceKey> NeedsAllowDeleteResources { get; }
    }
}
