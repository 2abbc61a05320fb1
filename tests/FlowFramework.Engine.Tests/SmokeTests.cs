namespace FlowFramework.Engine.Tests;
public class SmokeTests { [Fact] public void CatalogueHasEveryStep() => Assert.Equal(15, FlowStepCatalogue.All.Count); }
