namespace MlOps.Learning.Trainers;

/// <summary>
/// How far a fit has come: boosting rounds done out of those asked for (a round grows one tree per class). Reported by
/// trainers that work in rounds (the own gbdt); never part of the model, so it cannot change the artifact.
/// </summary>
public readonly record struct TrainingProgress(int Rounds, int TotalRounds);
