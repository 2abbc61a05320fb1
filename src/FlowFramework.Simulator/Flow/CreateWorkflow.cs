using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>What RestCreateWorkflowAction hands to the transport action.</summary>
internal sealed record CreateWorkflowRequest(
    string? WorkflowId,
    JsonObject Template,
    bool ValidateAll,
    bool Provision,
    bool Reprovision,
    bool UpdateFields,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan? WaitForCompletion,
    SimUser? User,
    string? Tenant);

/// <summary>CreateWorkflowTransportAction: creates (POST) or updates (PUT) a template, optionally validating it and
/// handing over to provisioning or reprovisioning.</summary>
internal sealed class CreateWorkflow(WorkflowIndices indices, ProvisionWorkflow provision, ReprovisionWorkflow reprovision)
{
    public async Task<OpResult> ExecuteAsync(CreateWorkflowRequest request, CancellationToken ct)
    {
        var id = request.WorkflowId;
        var tenant = request.Tenant;
        try
        {
            if (id is not null)
            {
                // An update first fetches the stored template (ParseUtils#getWorkflow), before any validation.
                if (!indices.TemplatesIndexExists) { return OpResult.Flow(404, $"Failed to retrieve template ({id})."); }
                indices.GetTemplateDoc(id, tenant);
            }
            if (request.ValidateAll && !request.UpdateFields)
            {
                TemplateModel.ValidateAll(request.Template);
            }
            if (id is null)
            {
                var created = indices.CreateTemplate(request.Template, request.User, tenant);
                if (!request.Provision)
                {
                    return OpResult.Success(new JsonObject { ["workflow_id"] = created });
                }
                // A FlowFrameworkException from provisioning is passed through unchanged ("Provisioning failed." is
                // only for other exception types).
                var run = provision.Start(created, tenant, request.Parameters);
                return await provision.AnswerAsync(created, tenant, run, request.WaitForCompletion, ct).ConfigureAwait(false);
            }
            if (request.UpdateFields)
            {
                indices.UpdateFields(id, tenant, request.Template);
                return OpResult.Success(new JsonObject { ["workflow_id"] = id });
            }
            if (request.Reprovision)
            {
                var run = reprovision.Start(id, tenant, request.Template);
                return await provision.AnswerAsync(id, tenant, run, request.WaitForCompletion, ct).ConfigureAwait(false);
            }
            indices.ReplaceTemplate(id, tenant, request.Template);
            if (request.Provision)
            {
                var run = provision.Start(id, tenant, request.Parameters);
                return await provision.AnswerAsync(id, tenant, run, request.WaitForCompletion, ct).ConfigureAwait(false);
            }
            return OpResult.Success(new JsonObject { ["workflow_id"] = id });
        }
        catch (FlowException ex)
        {
            return OpResult.Flow(ex.Status, ex.Message);
        }
    }
}
