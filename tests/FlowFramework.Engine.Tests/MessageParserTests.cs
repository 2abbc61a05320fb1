namespace FlowFramework.Engine.Tests;

public class MessageParserTests
{
    private static string[] Keys(IEnumerable<FlowResourceKey> keys) => keys.Select(k => k.ResourceType + "|" + k.ResourceId).ToArray();

    [Fact]
    public void The_test_verified_mixed_202_message_is_split_into_failed_and_allow_delete()
    {
        var (failed, allow) = DeprovisionMessageParser.Parse(
            "Failed to deprovision some resources: [pipeline_id test-pipeline, model_id modelId]. These resources require the allow_delete parameter to deprovision: [index_name test-index].");

        Assert.Equal(new[] { "pipeline_id|test-pipeline", "model_id|modelId" }, Keys(failed));
        Assert.Equal(new[] { "index_name|test-index" }, Keys(allow));
    }

    [Fact]
    public void A_202_without_the_allow_delete_sentence_has_only_failed_resources()
    {
        var (failed, allow) = DeprovisionMessageParser.Parse("Failed to deprovision some resources: [connector_id NdjCQYwBLmvn802B0IwE, model_id N9jCQYwBLmvn802B0oyh].");

        Assert.Equal(new[] { "connector_id|NdjCQYwBLmvn802B0IwE", "model_id|N9jCQYwBLmvn802B0oyh" }, Keys(failed));
        Assert.Empty(allow);
    }

    [Fact]
    public void The_403_has_only_the_allow_delete_sentence()
    {
        const string message = "These resources require the allow_delete parameter to deprovision: [index_name my-index].";
        var (failed, allow) = DeprovisionMessageParser.Parse(message);

        Assert.True(DeprovisionMessageParser.IsAllowDeleteMessage(message));
        Assert.False(DeprovisionMessageParser.IsAllowDeleteMessage("Failed to get workflow."));
        Assert.Empty(failed);
        Assert.Equal(new[] { "index_name|my-index" }, Keys(allow));
    }

    [Fact]
    public void Ids_with_spaces_commas_brackets_and_dots_stay_whole()
    {
        var (failed, allow) = DeprovisionMessageParser.Parse(
            "Failed to deprovision some resources: [pipeline_id a, b c, index_name x]. y, model_id m]. These resources require the allow_delete parameter to deprovision: [index_name my index, pipeline_id p,q].");

        Assert.Equal(new[] { "pipeline_id|a, b c", "index_name|x]. y", "model_id|m" }, Keys(failed));
        Assert.Equal(new[] { "index_name|my index", "pipeline_id|p,q" }, Keys(allow));
    }

    [Fact]
    public void Every_resource_type_of_the_catalogue_is_recognised_as_a_separator()
    {
        var (failed, _) = DeprovisionMessageParser.Parse(
            "Failed to deprovision some resources: [connector_id 1, model_id 2, model_group_id 3, pipeline_id 4, index_name 5, agent_id 6].");

        Assert.Equal(new[] { "connector_id", "model_id", "model_group_id", "pipeline_id", "index_name", "agent_id" }, failed.Select(k => k.ResourceType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Something else entirely")]
    [InlineData("Failed to deprovision some resources: [].")]
    public void Unexpected_text_yields_nothing_rather_than_failing(string? message)
    {
        var (failed, allow) = DeprovisionMessageParser.Parse(message);

        Assert.Empty(failed);
        Assert.Empty(allow);
    }
}
