import { generatePlanData } from './plan-data.js';
await generatePlanData(process.argv[2]!, { subscribers: Number(process.argv[3]), topicSets: 1000, papers: 10000 });
